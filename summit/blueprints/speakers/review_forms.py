"""The review form: a score from 1 to 5 on each of the committee's criteria, and a
comment. Its fields are made for the call's criteria when the page is shown."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from ...forms import Form
from ...services.cfp.reviews import COMMENT_MAX

# Labelled 1–5; what the ends mean is each group's description ("1 weak, 5 excellent").
SCORES = [SelectChoice(n, str(n)) for n in range(1, 6)]


class ReviewForm(Form):
    comment = TextAreaField(
        _l("Comment"),
        validators=[Optional(), Length(max=COMMENT_MAX)],
        description=_l(
            "For the committee: what is strong, what is missing. Other reviewers and the "
            "organizers read it; the speakers do not."
        ),
        render_kw={"rows": 6},
    )
    submit = SubmitField(_l("Save my review"))

    criteria: list = []

    @property
    def score_fields(self):
        return [(criterion, self[f"score_{criterion.id}"]) for criterion in self.criteria]

    @property
    def scores(self) -> dict[int, int]:
        return {criterion.id: field.data for criterion, field in self.score_fields}


def review_form(criteria, review=None, **kwargs) -> ReviewForm:
    """The form for these criteria, filled in with the reviewer's own review (if any)."""

    class CallReviewForm(ReviewForm):
        pass

    for criterion in criteria:
        setattr(
            CallReviewForm,
            f"score_{criterion.id}",
            RadioField(
                criterion.name,
                coerce=int,
                choices=SCORES,
                validators=[InputRequired(message=_l("Give a score from 1 to 5."))],
            ),
        )
    CallReviewForm.criteria = list(criteria)
    data = None
    if review is not None:
        data = {f"score_{s.criterion_id}": s.score for s in review.scores}
        data["comment"] = review.comment
    return CallReviewForm(data=data, **kwargs)
