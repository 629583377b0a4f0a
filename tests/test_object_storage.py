"""Private files in an S3-compatible object store (issue 13, item 4), against a real S3
API: moto's server, started here on a free local port (no network beyond localhost).

Upload through the real upload path (the paper signature of an agreement), the object in
the bucket and nothing on this server's disk, served through the permission-checked view
with the bytes whose SHA-256 was frozen."""

import hashlib
from pathlib import Path

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer

from conventions.enums import AgreementStatus
from core import files
from core.pdf import LocalFetcher, stored_media
from subventions.enums import Role
from tests.conventions.agreements import countersigned, pdf_bytes

pytestmark = pytest.mark.django_db

BUCKET = "subventions-test"


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, settings, monkeypatch):
    """The "private" storage pointed at a fresh bucket of the moto server."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    options = {
        "bucket_name": BUCKET,
        "endpoint_url": s3_endpoint,
        "region_name": "us-east-1",
        "default_acl": None,
        "file_overwrite": False,
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**options, "location": "media"},
        },
        "private": {
            "BACKEND": "core.files.PrivateS3Storage",
            "OPTIONS": {**options, "location": "private"},
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_the_private_storage_follows_the_settings(s3):
    storage = files.private_storage()
    assert isinstance(storage, files.PrivateS3Storage)
    name = storage.save("essai/piece.pdf", ContentFile(b"%PDF-1.7 essai"))
    assert keys(s3) == [f"private/{name}"]
    with pytest.raises(ValueError, match="adresse publique"):
        storage.url(name)  # no public or signed URL, ever


def test_a_signed_scan_goes_to_the_bucket_and_comes_back_identical(s3, client, make_user, settings):
    agreement = countersigned(make_user(Role.ASSEMBLY_SECRETARIAT))
    client.force_login(make_user(Role.SIGNATORY))
    scan = SimpleUploadedFile("original.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(
        reverse("conventions:agreement_sign", args=["convention", agreement.pk]),
        {"method": "papier", "papier-scan": scan, "papier-signed_on": "03/05/2021"},
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_FORCE

    stored = keys(s3)
    assert f"private/{agreement.signed_pdf.name}" in stored
    assert f"private/{agreement.generated_pdf.name}" in stored
    private_root = Path(settings.PRIVATE_MEDIA_ROOT)
    assert not private_root.exists() or not any(p.is_file() for p in private_root.rglob("*"))

    pdf = reverse("conventions:agreement_pdf", args=["convention", agreement.pk])
    client.logout()
    assert client.get(pdf).status_code == 302  # login first
    client.force_login(make_user(Role.READER))
    served = client.get(pdf)
    assert served.status_code == 200
    assert served.content == pdf_bytes()
    assert hashlib.sha256(served.content).hexdigest() == agreement.signed_pdf_sha256
    generated = client.get(pdf + "?piece=generee").content
    assert hashlib.sha256(generated).hexdigest() == agreement.generated_pdf_sha256
    in_bucket = s3.get_object(Bucket=BUCKET, Key=f"private/{agreement.signed_pdf.name}")
    assert in_bucket["Body"].read() == served.content


def test_an_object_altered_in_the_bucket_is_not_served(s3, client, make_user):
    agreement = countersigned(make_user(Role.ASSEMBLY_SECRETARIAT))
    client.force_login(make_user(Role.SIGNATORY))
    scan = SimpleUploadedFile("original.pdf", pdf_bytes(), content_type="application/pdf")
    client.post(
        reverse("conventions:agreement_sign", args=["convention", agreement.pk]),
        {"method": "papier", "papier-scan": scan, "papier-signed_on": "03/05/2021"},
    )
    agreement.refresh_from_db()
    key = f"private/{agreement.generated_pdf.name}"
    s3.put_object(Bucket=BUCKET, Key=key, Body=b"%PDF-1.7 autre chose")
    client.force_login(make_user(Role.READER))
    pdf = reverse("conventions:agreement_pdf", args=["convention", agreement.pk])
    response = client.get(pdf + "?piece=generee", follow=True)
    assert response.status_code == 200
    assert "empreinte SHA-256" in response.content.decode()


def test_a_document_reads_the_logo_through_the_storage_not_by_its_url(s3):
    storage = storages["default"]
    name = storage.save("authority/logo.png", ContentFile(b"\x89PNG logo"))
    assert keys(s3) == [f"media/{name}"]
    url = storage.url(name)  # a signed address on the object store
    assert LocalFetcher().fetch(url).read() == b"\x89PNG logo"
    assert stored_media(url) == b"\x89PNG logo"
    assert stored_media("https://ailleurs.example/media/authority/logo.png") is None
