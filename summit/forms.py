"""Small helpers shared by the blueprints' forms."""

from flask import render_template
from wtforms.fields import SelectChoice


def strip(value):
    """Phones add a space after an autocompleted address; it is not part of it."""
    return value.strip() if isinstance(value, str) else value


def enum_choices(enum_class) -> list[SelectChoice]:
    """The members of an enum as select options, labelled in the page's language."""
    return [SelectChoice(m.value, m.label) for m in enum_class]


def form_page(template: str, form, **context):
    """A page with a form: 422 when the form came back with errors, else 200."""
    return render_template(template, form=form, **context), 422 if form.errors else 200
