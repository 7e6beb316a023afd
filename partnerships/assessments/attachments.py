"""What an evidence file may be: its type is checked by name and by its first bytes."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

_PDF = (b"%PDF-",)
_ZIP = (b"PK\x03\x04",)  # OOXML and OpenDocument files are zip archives
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # legacy Office files
_TEXT = ()  # no signature: checked to be UTF-8 text instead

ALLOWED_TYPES = {
    ".pdf": ("application/pdf", _PDF),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".webp": ("image/webp", (b"RIFF",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    ".odp": ("application/vnd.oasis.opendocument.presentation", _ZIP),
    ".doc": ("application/msword", _OLE),
    ".xls": ("application/vnd.ms-excel", _OLE),
    ".ppt": ("application/vnd.ms-powerpoint", _OLE),
    ".csv": ("text/csv", _TEXT),
    ".txt": ("text/plain", _TEXT),
}
ACCEPT = ",".join(ALLOWED_TYPES)


def check_upload(upload: UploadedFile, *, max_bytes: int) -> str:
    """The file's content type, or a ValidationError saying what is wrong with it."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("%(name)s is %(size)s; files may be at most %(limit)s.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(max_bytes),
            }
        )
    extension = PurePath(upload.name).suffix.lower()
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            _(
                "%(name)s: this type of file is not accepted. "
                "Use PDF, an image or an office document."
            )
            % {"name": upload.name}
        )
    content_type, signatures = ALLOWED_TYPES[extension]
    head = upload.read(2048)
    upload.seek(0)
    if signatures:
        matches = any(head.startswith(signature) for signature in signatures)
    else:
        try:
            head.decode("utf-8")
            matches = b"\x00" not in head
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the sample is still text.
            matches = error.start >= len(head) - 3
    if not matches:
        raise ValidationError(
            _("%(name)s does not look like a %(ext)s file.")
            % {"name": upload.name, "ext": extension}
        )
    return content_type
