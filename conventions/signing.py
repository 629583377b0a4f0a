"""The agreements' electronic signatures: the PAdES service lives in core.signing (the
register extracts of the deliberations sign with it too); these names stay importable
from here for the agreements' code, views and commands."""

from core.signing import (  # noqa: F401  (re-exported)
    DEMO_CERTIFICATE_REFUSED,
    DEMO_UNIT,
    FIELD_NAME,
    NO_SIGNATURE,
    P12_WRONG_PASSWORD,
    PDF_MAX_BYTES,
    PDF_NOT_PDF,
    PDF_TOO_LARGE,
    PDF_UNREADABLE,
    SignatureReport,
    check_pdf,
    create_demo_certificate,
    demo_certificates_allowed,
    load_signer,
    seal_signer,
    sign_pdf,
    signer_name,
    verify_pdf,
)
