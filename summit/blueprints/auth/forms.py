from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ...forms import Form, strip
from ...services.accounts import MIN_PASSWORD_LENGTH

EMAIL = [
    DataRequired(message=_l("Enter your email address.")),
    Length(max=254, message=_l("The email address is too long.")),
    Email(
        message=_l("Enter a valid email address, e.g. namn@exempel.se."), check_deliverability=False
    ),
]


class LoginForm(Form):
    email = EmailField(
        _l("Email"), validators=EMAIL, filters=[strip], render_kw={"autocomplete": "email"}
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Enter your password.")), Length(max=500)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class EmailLinkForm(Form):
    email = EmailField(
        _l("Email"), validators=EMAIL, filters=[strip], render_kw={"autocomplete": "email"}
    )
    next = HiddenField()
    submit = SubmitField(_l("Email me a link"))


class ConfirmForm(Form):
    submit = SubmitField(_l("Sign in"))


def _new_password(label):
    return PasswordField(
        label,
        validators=[
            DataRequired(message=_l("Choose a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=500,
                message=_l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ResetPasswordForm(Form):
    password = _new_password(_l("New password"))
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[EqualTo("password", message=_l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Save password"))


class AccountForm(Form):
    name = StringField(
        _l("Name"), validators=[DataRequired(message=_l("Enter your name.")), Length(max=200)]
    )
    locale = SelectField(
        _l("Language for emails"),
        choices=[SelectChoice("sv", "Svenska"), SelectChoice("en", "English")],
    )
    current_password = PasswordField(
        _l("Current password"),
        validators=[Length(max=500)],
        description=_l("Needed only to change the password."),
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        _l("New password (leave empty to keep)"),
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=500)],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Save"))

    def validate_current_password(self, field):
        if self.password.data and not field.data:
            raise ValidationError(_l("Enter your current password to change it."))


class LogoutForm(Form):
    submit = SubmitField(_l("Sign out"))
