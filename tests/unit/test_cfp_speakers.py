"""Speakers' profiles and photos: only real JPEG, PNG or WebP images of at most 2 MB,
stored re-encoded without their metadata; anything else refused with nothing stored."""

import io
import struct
import zlib

import pytest
from PIL import Image

from summit.models import SpeakerProfile
from summit.services.cfp import CfpError, PhotoError
from summit.services.cfp.speakers import (
    MAX_PHOTO_BYTES,
    PHOTO_SIDE,
    ProfileData,
    photo_by_token,
    profile_of,
    remove_photo,
    save_profile,
    set_photo,
    speaker_language,
)
from tests.images import image_bytes


def gps_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # camera make
    exif[0x0131] = "secret-software"
    return exif.tobytes()


@pytest.fixture
def anna(make_user):
    return make_user("anna@example.org", "Anna")


@pytest.fixture
def profile(db, anna):
    return save_profile(anna, ProfileData("Anna Andersson", "Kommunen", "Utvecklare"))


def test_profile_is_saved_and_validated(db, anna):
    profile = save_profile(
        anna,
        ProfileData(
            "  Anna   Andersson ",
            organisation="Malmö stad",
            bio="Arbetar med\r\nsocial innovation.",
            pronouns="hon/henne",
            preferred_language="en",
        ),
    )
    assert profile.display_name == "Anna Andersson"
    assert profile.bio == "Arbetar med\nsocial innovation."
    assert speaker_language(anna) == "en"
    for bad, field in (
        (ProfileData(""), "display_name"),
        (ProfileData("A", bio="x" * 1001), "bio"),
        (ProfileData("A", pronouns="x" * 41), "pronouns"),
        (ProfileData("A", preferred_language="fi"), "preferred_language"),
    ):
        with pytest.raises(CfpError) as refused:
            save_profile(anna, bad)
        assert refused.value.field == field
    db.session.expire_all()
    assert profile_of(anna).display_name == "Anna Andersson"


@pytest.mark.parametrize("kind, content_type", [("JPEG", "image/jpeg"), ("PNG", "image/png")])
def test_a_photo_is_stored_re_encoded_without_metadata(db, anna, profile, kind, content_type):
    set_photo(anna, image_bytes(kind, exif=gps_exif()))
    db.session.expire_all()
    stored, stored_type = photo_by_token(profile_of(anna).photo_token)
    assert stored_type == content_type
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == kind and image.size == (400, 300)
        assert not image.getexif()
    assert b"SpyCam" not in stored and b"secret-software" not in stored


def test_webp_with_transparency_is_kept(db, anna, profile):
    set_photo(anna, image_bytes("WEBP", mode="RGBA"))
    stored, content_type = photo_by_token(profile_of(anna).photo_token)
    assert content_type == "image/webp"
    with Image.open(io.BytesIO(stored)) as image:
        assert image.mode == "RGBA"


def test_a_large_image_is_scaled_down(db, anna, profile):
    set_photo(anna, image_bytes("PNG", size=(3000, 1500)))
    stored, _type = photo_by_token(profile_of(anna).photo_token)
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (PHOTO_SIDE, PHOTO_SIDE // 2)


def test_each_upload_gets_a_new_address(db, anna, profile):
    set_photo(anna, image_bytes())
    first = profile_of(anna).photo_token
    set_photo(anna, image_bytes("PNG"))
    second = profile_of(anna).photo_token
    assert first != second and photo_by_token(first) is None
    remove_photo(anna)
    assert photo_by_token(second) is None and not profile_of(anna).has_photo


def html_disguised_as_jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0<html><script>alert(document.cookie)</script></html>"


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    return out.getvalue()


def truncated_png() -> bytes:
    return image_bytes("PNG", size=(300, 300))[:200]


def oversize_jpeg() -> bytes:
    # A valid JPEG padded past 2 MB with a comment segment: refused by size before decoding.
    data = image_bytes("JPEG")
    return data + b"\x00" * (MAX_PHOTO_BYTES - len(data) + 1)


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"<html><body><script>alert(1)</script></body></html>", "photo_type"),
        (html_disguised_as_jpeg(), "photo_type"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "photo_type"),
        (gif(), "photo_type"),
        (truncated_png(), "photo_type"),
        (b"%PDF-1.7\n", "photo_type"),
        (oversize_jpeg(), "photo_too_large"),
        (b"", "photo_empty"),
    ],
    ids=["html", "html-as-jpeg", "svg", "gif", "truncated-png", "pdf", "oversize", "empty"],
)
def test_bad_photos_are_refused_and_nothing_is_stored(db, anna, profile, data, reason):
    set_photo(anna, image_bytes())
    before = profile_of(anna).photo_token
    with pytest.raises(PhotoError) as refused:
        set_photo(anna, data)
    assert refused.value.reason == reason and refused.value.field == "photo"
    assert refused.value.message
    db.session.expire_all()
    assert profile_of(anna).photo_token == before  # the old photo is untouched


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header says it is width × height pixels (checksum correct)."""
    data = bytearray(image_bytes("PNG", size=(8, 8)))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


@pytest.mark.parametrize("size", [(10_000, 10_000), (7_000, 7_000), (8_000, 5_001)])
def test_a_decompression_bomb_is_refused_before_decoding(db, anna, profile, size):
    # Pixels enough for hundreds of MB in a file of a few hundred bytes.
    with pytest.raises(PhotoError) as refused:
        set_photo(anna, png_claiming(*size))
    assert refused.value.reason == "photo_type"
    assert db.session.get(SpeakerProfile, profile.id).photo_token is None


def test_a_photo_needs_a_profile(db, anna):
    with pytest.raises(CfpError):
        set_photo(anna, image_bytes())
    assert profile_of(anna) is None
