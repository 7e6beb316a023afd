"""Create a self-signed certificate for signing reviews on a developer's machine.

Writes the PKCS#12 file named by SIGNING_PKCS12_PATH (with SIGNING_PKCS12_PASSPHRASE)
and the certificate as PEM beside it (the default trust root). Production uses the
agency's own certificate instead. Leaves an existing file alone unless --force.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from partnerships.reports.certificates import create_self_signed_pair


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--common-name", default="Partnership check development signer")
        parser.add_argument("--organization", default="Partnership check (development only)")
        parser.add_argument("--force", action="store_true", help="Replace an existing file.")

    def handle(self, *args, common_name, organization, force, **options):
        p12_path = Path(settings.SIGNING_PKCS12_PATH)
        pem_path = p12_path.with_suffix(".pem")
        if p12_path.exists() and not force:
            self.stdout.write(f"Signing certificate already present: {p12_path}")
            return
        certificate = create_self_signed_pair(
            common_name=common_name,
            organization=organization,
            passphrase=settings.SIGNING_PKCS12_PASSPHRASE,
            p12_path=p12_path,
            pem_path=pem_path,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {p12_path} and {pem_path} "
                f"({certificate.subject.rfc4514_string()}, valid until "
                f"{certificate.not_valid_after_utc:%Y-%m-%d})."
            )
        )
