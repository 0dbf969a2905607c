"""Which streams a room may show: an allow-listed provider's player, or an HLS/MP4 file on an allow-listed host.

Pure: what the admin pasted (a share URL or a video id) in, the embed URL we build out, or a StreamError.
We never store what was pasted as HTML and never frame a URL we did not build ourselves from a matched id,
so a crafted "embed" cannot smuggle a script, another host or extra parameters into the room page.
"""
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from mall.domain import DomainError

URL_MAX = 500


class StreamError(DomainError):
    message = _l("Paste a share link from Bilibili, Douyin, WeChat Channels or Tencent Video, or an HLS (.m3u8) "
                 "or MP4 address on an allowed host.")
    field = "stream"


@dataclass(frozen=True)
class Stream:
    kind: str  # embed | hls | mp4
    provider: str  # bilibili | douyin | channels | tencent, "" for files
    url: str  # what the page frames or plays

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    frame_host: str  # the only host the room page's CSP lets frame for this provider
    patterns: tuple[re.Pattern, ...]  # each with a named group "id", matched against the whole input
    embed: str  # format string with {id}


def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


PROVIDERS = (
    Provider("bilibili", "Bilibili", "player.bilibili.com", (
        _rx(r"(?:https?://)?(?:www\.|m\.)?bilibili\.com/video/(?P<id>BV[0-9A-Za-z]{10})/?(?:\?[^\s<>\"']*)?"),
        _rx(r"(?P<id>BV[0-9A-Za-z]{10})"),
    ), "https://player.bilibili.com/player.html?bvid={id}&autoplay=0"),
    Provider("douyin", "Douyin", "open.douyin.com", (
        _rx(r"(?:https?://)?(?:www\.)?douyin\.com/video/(?P<id>[0-9]{10,24})/?(?:\?[^\s<>\"']*)?"),
    ), "https://open.douyin.com/player/video?vid={id}&autoplay=0"),
    # WeChat Channels (视频号) plays inside WeChat; its web page for a live or a feed is the only embeddable form.
    Provider("channels", "WeChat Channels", "channels.weixin.qq.com", (
        _rx(r"(?:https?://)?channels\.weixin\.qq\.com/web/pages/(?:live|feed)\?(?:[^\s<>\"']*&)?"
            r"(?:finderUserName|username)=(?P<id>sph[0-9A-Za-z]{4,30})(?:&[^\s<>\"']*)?"),
        _rx(r"(?P<id>sph[0-9A-Za-z]{4,30})"),
    ), "https://channels.weixin.qq.com/web/pages/live?finderUserName={id}"),
    Provider("tencent", "Tencent Video", "v.qq.com", (
        _rx(r"(?:https?://)?v\.qq\.com/x/(?:cover/[0-9a-z]{15}|page)/(?P<id>[0-9a-z]{11})\.html(?:\?[^\s<>\"']*)?"),
    ), "https://v.qq.com/txp/iframe/player.html?vid={id}"),
)
BY_NAME = {p.name: p for p in PROVIDERS}
FILE_KINDS = {".m3u8": "hls", ".mp4": "mp4"}
# Only letters, digits and the characters a CDN path needs: no quotes, spaces, angle brackets or backslashes.
SAFE_URL = re.compile(r"https://[A-Za-z0-9.-]+(?::\d{1,5})?/[A-Za-z0-9._~/%+=-]*(?:\?[A-Za-z0-9._~%&+=-]*)?")


def parse_stream(text: str, media_hosts) -> Stream:
    """The stream for what the admin pasted; `media_hosts` are the hosts allowed to serve HLS/MP4 files."""
    text = (text or "").strip()
    if not text or len(text) > URL_MAX:
        raise StreamError()
    for provider in PROVIDERS:
        for pattern in provider.patterns:
            match = pattern.fullmatch(text)
            if match:
                return Stream("embed", provider.name, provider.embed.format(id=match.group("id")))
    return _file_stream(text, media_hosts)


def _file_stream(text: str, media_hosts) -> Stream:
    # Only https: javascript:, data:, blob:, file: and plain http (mixed content) never reach the page.
    if not SAFE_URL.fullmatch(text):
        raise StreamError(_l("Only https:// addresses of an .m3u8 or .mp4 file, or a provider's share link, "
                             "can be used."))
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    if host not in {h.lower() for h in media_hosts}:
        raise StreamError(_l("Streams from %(host)s are not allowed. Ask the platform to add the host.", host=host))
    kind = next((k for ext, k in FILE_KINDS.items() if parts.path.lower().endswith(ext)), None)
    if kind is None:
        raise StreamError(_l("The address must end in .m3u8 (HLS) or .mp4."))
    return Stream(kind, "", text)


def frame_hosts(streams) -> list[str]:
    """The hosts the page may frame: the providers of the room's streams, nothing else."""
    return sorted({BY_NAME[s.provider].frame_host for s in streams if s and s.kind == "embed"})


def media_hosts_of(streams) -> list[str]:
    return sorted({s.host for s in streams if s and s.kind in ("hls", "mp4")})
