"""A real S3-compatible server for the S3 tests: S3_TEST_ENDPOINT if set (MinIO, say), otherwise moto in
server mode on a free loopback port, so the suite needs nothing installed or running beside it.

boto3 is kept off the network: dummy credentials and region, no shared config files, no instance metadata.
"""
import contextlib
import os

import boto3

# With credentials in the environment boto3 never walks on to profiles, SSO or the EC2 metadata endpoint.
OFFLINE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
KEYS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
# Settings from the developer's shell that would send requests elsewhere or sign them differently.
UNSET = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_REGION")


@contextlib.contextmanager
def s3_server(env):
    """The endpoint URL of an S3-compatible server; env is a pytest MonkeyPatch for the AWS variables."""
    external = os.environ.get("S3_TEST_ENDPOINT")
    for name, value in OFFLINE_AWS.items():
        if external and name in KEYS and name in os.environ:
            continue  # a real server's own keys, if given, are kept
        env.setenv(name, value)
    if external:
        yield external
        return
    for name in UNSET:
        env.delenv(name, raising=False)
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def s3_client(endpoint: str):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
