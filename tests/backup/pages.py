"""Filling in a page's form as a browser does: every field the page renders, with the value
it shows, changed only where a person types. Hidden fields (versions, formset counts, a
preview's token) go back as the page gave them, so these tests follow the forms as they
change instead of guessing their fields."""

from html.parser import HTMLParser

from django.test import Client


class _Form:
    def __init__(self, attrs: dict):
        self.action = attrs.get("action") or ""
        self.method = (attrs.get("method") or "get").lower()
        self.fields: list[tuple[str, str]] = []
        self.buttons: list[tuple[str, str]] = []  # named submit buttons


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self._form: _Form | None = None
        self._select: tuple[str, list[str], list[str], bool] | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value if value is not None else "" for name, value in attrs}
        if tag == "form":
            self._form = _Form(attrs)
            self.forms.append(self._form)
        if self._form is None or tag not in {"input", "button", "select", "option", "textarea"}:
            return
        name = attrs.get("name")
        if tag == "button" and name and attrs.get("type", "submit").lower() == "submit":
            self._form.buttons.append((name, attrs.get("value", "")))
        elif tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text").lower()
            if kind == "submit":
                self._form.buttons.append((name, attrs.get("value", "")))
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self._form.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = (name, [], [], "multiple" in attrs)
        elif tag == "option" and self._select is not None:
            value = attrs.get("value")
            if value is not None:
                self._select[1].append(value)
                if "selected" in attrs:
                    self._select[2].append(value)
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options, selected, multiple = self._select
            chosen = selected or ([] if multiple or not options else options[:1])
            self._form.fields.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, text = self._textarea
            self._form.fields.append((name, "".join(text).removeprefix("\n")))
            self._textarea = None


def form_fields(
    html: str, *, action: str, page_url: str, press: tuple[str, str] | None = None
) -> dict[str, list[str]]:
    """The POST form of ``html`` that submits to ``action`` (with the button ``press``, a
    (name, value) pair, when given), as name → values, the pressed button's among them."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if form.method != "post" or (form.action or page_url) != action:
            continue
        if press is not None and press not in form.buttons:
            continue
        fields: dict[str, list[str]] = {}
        for name, value in [*form.fields, *([press] if press else [])]:
            fields.setdefault(name, []).append(value)
        return fields
    raise AssertionError(f"no form posting to {action} with {press} on {page_url}")


def submit(client: Client, page_url: str, typed: dict | None = None, *, action: str = "",
           press: tuple[str, str] | None = None, follow: bool = False):  # fmt: skip
    """Open ``page_url``, fill its form posting to ``action`` (the page itself by default)
    with ``typed`` over what the page shows, and send it with the button ``press``. A value
    of None clears a field (an unticked box); a list gives several values (a multiple select,
    files)."""
    page = client.get(page_url)
    assert page.status_code == 200, (page_url, page.status_code)
    return send(client, page, page_url, typed, action=action, press=press, follow=follow)


def send(client: Client, page, page_url: str, typed: dict | None = None, *, action: str = "",
         press: tuple[str, str] | None = None, follow: bool = False):  # fmt: skip
    """The same on a page already open (``page``, a response shown at ``page_url``)."""
    html = page.content.decode()
    fields: dict = form_fields(html, action=action or page_url, page_url=page_url, press=press)
    fields.pop("csrfmiddlewaretoken", None)
    for name, value in (typed or {}).items():
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value
    response = client.post(action or page_url, fields, follow=follow)
    assert response.status_code in {200, 302}, (action or page_url, response.status_code)
    return response
