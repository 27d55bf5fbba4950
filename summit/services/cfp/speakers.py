"""Speakers' profiles: what the program says about them, their photo and their language.

A photo is accepted only when Pillow decodes it as a JPEG, PNG or WebP image of at most
2 MB (whatever its name or declared type says); it is stored re-encoded from its
pixels, so no metadata (GPS position, camera, comments) and nothing hidden in the file
survives. Anything else is refused and nothing is stored.
"""

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import undefer

from ...database import unit_of_work
from ...extensions import db
from ...models import CFP_LANGUAGES, SpeakerProfile, User
from .. import images
from .errors import CfpError, PhotoError
from .validation import clean_long_text, clean_text

BIO_MAX = 1000
MAX_PHOTO_BYTES = 2 * 1024 * 1024
PHOTO_SIDE = 1200  # stored at most this wide and high
PHOTO = images.ImageRules(
    stored_as={"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP"},
    max_bytes=MAX_PHOTO_BYTES,
    side=PHOTO_SIDE,
)


@dataclass
class ProfileData:
    display_name: str
    organisation: str = ""
    title: str = ""
    bio: str = ""
    pronouns: str = ""
    preferred_language: str = "sv"


def profile_of(user: User) -> SpeakerProfile | None:
    return db.session.scalar(select(SpeakerProfile).where(SpeakerProfile.user_id == user.id))


def profiles_for(user_ids) -> dict[int, SpeakerProfile]:
    """The profiles of these users by user id, read in one query (no entry: no profile)."""
    user_ids = set(user_ids)
    if not user_ids:
        return {}
    return {
        profile.user_id: profile
        for profile in db.session.scalars(
            select(SpeakerProfile).where(SpeakerProfile.user_id.in_(user_ids))
        )
    }


def language_of(user: User | None, profile: SpeakerProfile | None, fallback: str = "sv") -> str:
    """The language a speaker gets email in: their profile's choice, else their account's."""
    if user is not None:
        if profile is not None and profile.preferred_language in CFP_LANGUAGES:
            return profile.preferred_language
        if user.locale in CFP_LANGUAGES:
            return user.locale
    return fallback if fallback in CFP_LANGUAGES else "sv"


def speaker_language(user: User | None, fallback: str = "sv") -> str:
    return language_of(user, profile_of(user) if user is not None else None, fallback)


def display_name_of(user: User | None, email: str, profile: SpeakerProfile | None) -> str:
    """A speaker's name as shown: their profile's, else their account's, else the email."""
    if user is None:
        return email
    return (profile.display_name if profile else "") or user.name or user.email


def speaker_name(user: User | None, email: str = "") -> str:
    return display_name_of(user, email, profile_of(user) if user is not None else None)


def _profile_checks(data: ProfileData):
    """Each field's check, in the form's order: a function giving its clean value."""
    return (
        ("display_name", lambda: clean_text(data.display_name, "display_name", 200, True)),
        ("organisation", lambda: clean_text(data.organisation, "organisation", 200)),
        ("title", lambda: clean_text(data.title, "title", 200)),
        ("bio", lambda: clean_long_text(data.bio, "bio", BIO_MAX)),
        ("pronouns", lambda: clean_text(data.pronouns, "pronouns", 40)),
        ("preferred_language", lambda: _language_choice(data.preferred_language)),
    )


def _language_choice(value) -> str:
    if value not in CFP_LANGUAGES:
        raise CfpError("invalid_choice", "preferred_language")
    return value


def profile_problems(data: ProfileData) -> list[CfpError]:
    """Every refusal save_profile would give, not only the first (nothing stored)."""
    problems = []
    for _field, check in _profile_checks(data):
        try:
            check()
        except CfpError as problem:
            problems.append(problem)
    return problems


def save_profile(user: User, data: ProfileData) -> SpeakerProfile:
    """Store the profile, or raise the first refusal (profile_problems gives them all)."""
    clean = {field: check() for field, check in _profile_checks(data)}
    display_name, organisation, title = clean["display_name"], clean["organisation"], clean["title"]
    bio, pronouns = clean["bio"], clean["pronouns"]
    with unit_of_work():
        profile = profile_of(user) or SpeakerProfile(user_id=user.id)
        db.session.add(profile)
        profile.display_name, profile.organisation, profile.title = (
            display_name,
            organisation,
            title,
        )
        profile.bio, profile.pronouns = bio, pronouns
        profile.preferred_language = data.preferred_language
        if not user.name:
            user.name = display_name
    return profile


def clean_photo(data: bytes) -> tuple[bytes, str]:
    """The photo re-encoded from its pixels (at most PHOTO_SIDE on each side, turned the
    way its EXIF says, every metadata dropped) and its content type; or PhotoError."""
    try:
        return images.reencode(data, PHOTO)
    except images.ImageRefused as refused:
        raise PhotoError(
            f"photo_{refused.reason}", "photo", mb=MAX_PHOTO_BYTES // (1024 * 1024)
        ) from refused


def set_photo(user: User, data: bytes) -> SpeakerProfile:
    """Store the speaker's photo (re-encoded) under a new token; refused: nothing stored.
    The profile must exist (it holds the name the photo belongs to)."""
    photo, content_type = clean_photo(data)
    if profile_of(user) is None:
        raise CfpError("required", "display_name")
    with unit_of_work():
        profile = profile_of(user)
        profile.photo, profile.photo_content_type = photo, content_type
        profile.photo_token = secrets.token_urlsafe(16)
    return profile


def remove_photo(user: User) -> None:
    with unit_of_work():
        profile = profile_of(user)
        if profile is not None:
            profile.photo = profile.photo_content_type = profile.photo_token = None


def photo_by_token(token) -> tuple[bytes, str] | None:
    """The photo's bytes and content type for its address, or None."""
    return _photo(SpeakerProfile.photo_token, token)


def current_photo(page_token) -> tuple[bytes, str, str] | None:
    """The photo a speaker has now, found by their public page's token (a published
    program keeps showing the speaker's latest photo): bytes, content type, and the
    photo's own token (it changes with every upload). None if there is none."""
    return _photo(SpeakerProfile.page_token, page_token, with_token=True)


def _photo(column, token, with_token: bool = False):
    if not isinstance(token, str) or not 10 <= len(token) <= 32:
        return None
    profile = db.session.scalar(
        select(SpeakerProfile).where(column == token).options(undefer(SpeakerProfile.photo))
    )
    if profile is None or profile.photo is None:
        return None
    if with_token:
        return profile.photo, profile.photo_content_type, profile.photo_token
    return profile.photo, profile.photo_content_type
