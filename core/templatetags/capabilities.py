"""The capability table in templates, so no template names a role.

``{% if user|can:"fund.keep" %}`` asks whether the user holds a capability at all (a menu
entry, a page's 登记 button); ``{% can_do "plan.record_start" plan as editable %}`` asks for
one object, within the user's scope.
"""

from django import template

from core import capabilities
from core.capabilities import CapabilityName

register = template.Library()


@register.filter
def can(user, capability: CapabilityName) -> bool:
    return capabilities.can(user, capability)


@register.simple_tag(takes_context=True)
def can_do(context, capability: CapabilityName, obj=None) -> bool:
    return capabilities.can(context["user"], capability, obj)
