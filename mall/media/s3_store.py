"""Media in an S3-compatible bucket (AWS S3, MinIO, …), shared by every host behind the load balancer.

Each object carries the headers a browser needs when a CDN serves it straight from the bucket: its image type,
the immutable Cache-Control and Content-Disposition: inline. Credentials come from boto3's usual chain
(AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, or the host's role).
"""
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from mall.media.store import CACHE_CONTROL, StoredMedia

MISSING = {"404", "NoSuchKey", "NotFound"}


def s3_client(*, endpoint_url: str | None, region: str | None):
    config = Config(
        # A slow store must not hold a web worker for boto3's default minute.
        connect_timeout=5, read_timeout=20, retries={"max_attempts": 3, "mode": "standard"},
        # S3-compatible stores on their own host name (minio:9000) rarely resolve bucket.minio virtual hosts.
        s3={"addressing_style": "path"} if endpoint_url else None,
    )
    return boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region or None, config=config)


class S3Store:
    def __init__(self, client, bucket: str):
        self.client = client
        self.bucket = bucket

    def put(self, name: str, data: bytes, content_type: str) -> bool:
        if self.exists(name):
            return False
        # Two hosts racing on one name write the same bytes (the name is their hash), so no lock is needed.
        self.client.put_object(Bucket=self.bucket, Key=name, Body=data, ContentType=content_type,
                               CacheControl=CACHE_CONTROL, ContentDisposition="inline")
        return True

    def get(self, name: str) -> StoredMedia | None:
        try:
            found = self.client.get_object(Bucket=self.bucket, Key=name)
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") in MISSING:
                return None
            raise
        return StoredMedia(stream=found["Body"], size=found["ContentLength"])

    def exists(self, name: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=name)
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") in MISSING:
                return False
            raise
        return True
