"""The capability table in templates, so no template names a role.

``{% if user|can:"fund.keep" %}`` asks whether the user holds a capability at all (a menu
entry, a page's 登记 button); ``{% can_do "plan.record_start" plan as editable %}`` asks for
one object, within the user's scope.
"""

from django import template

from core import capabilities
from core.capabilities import CapabilityName
from core.middleware import home_page

register = template.Library()


@register.filter
def can(user, capability: CapabilityName) -> bool:
    return capabilities.can(user, capability)


@register.simple_tag(takes_context=True)
def can_do(context, capability: CapabilityName, obj=None) -> bool:
    return capabilities.can(context["user"], capability, obj)


@register.simple_tag(takes_context=True)
def home(context) -> dict[str, str]:
    """The page's user's home and its name (``core.middleware.home_page``); the front page when
    the page has no user (Django renders 500 without the request)."""
    url, name = home_page(context.get("user"))
    return {"url": url, "name": name}
