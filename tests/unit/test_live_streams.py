"""The embed allow-list: share links become players we build ourselves; anything else is refused."""
import pytest

from mall.live.streams import StreamError, frame_hosts, media_hosts_of, parse_stream

HOSTS = ("cdn.example-live.com",)


@pytest.mark.parametrize("pasted, provider, url", [
    ("https://www.bilibili.com/video/BV1xx411c7mD?spm_id_from=333.1007", "bilibili",
     "https://player.bilibili.com/player.html?bvid=BV1xx411c7mD&autoplay=0"),
    ("BV1xx411c7mD", "bilibili", "https://player.bilibili.com/player.html?bvid=BV1xx411c7mD&autoplay=0"),
    ("https://www.douyin.com/video/7301234567890123456", "douyin",
     "https://open.douyin.com/player/video?vid=7301234567890123456&autoplay=0"),
    ("https://channels.weixin.qq.com/web/pages/live?finderUserName=sphAbCdEf123", "channels",
     "https://channels.weixin.qq.com/web/pages/live?finderUserName=sphAbCdEf123"),
    ("sphAbCdEf123", "channels", "https://channels.weixin.qq.com/web/pages/live?finderUserName=sphAbCdEf123"),
    ("https://v.qq.com/x/cover/mzc00200abcdefg/x0041abcdef.html", "tencent",
     "https://v.qq.com/txp/iframe/player.html?vid=x0041abcdef"),
    ("https://v.qq.com/x/page/x0041abcdef.html", "tencent", "https://v.qq.com/txp/iframe/player.html?vid=x0041abcdef"),
])
def test_a_providers_share_link_becomes_its_embed_url(pasted, provider, url):
    stream = parse_stream(pasted, HOSTS)
    assert (stream.kind, stream.provider, stream.url) == ("embed", provider, url)


def test_hls_and_mp4_on_an_allowed_host_play_as_files():
    assert parse_stream("https://cdn.example-live.com/room/1/index.m3u8", HOSTS).kind == "hls"
    assert parse_stream("https://CDN.example-live.com/replay/1.mp4?t=abc", HOSTS).kind == "mp4"


@pytest.mark.parametrize("pasted", [
    '<iframe src="https://player.bilibili.com/player.html?bvid=BV1xx411c7mD"></iframe>',  # raw embed HTML
    "https://player.bilibili.com/player.html?bvid=BV1xx411c7mD",  # the embed itself: we build it, never take it
    'https://www.bilibili.com/video/BV1xx411c7mD"onload="alert(1)',  # a crafted share link
    "https://www.bilibili.com.evil.example/video/BV1xx411c7mD",
    "https://evil.example/?u=https://www.douyin.com/video/7301234567890123456",
    "javascript:alert(1)//.m3u8",
    "data:application/vnd.apple.mpegurl;base64,I0VYVE0zVQ==",
    "http://cdn.example-live.com/room/1/index.m3u8",  # plain http
    "https://other-cdn.example.com/room/1/index.m3u8",  # a host outside the allow-list
    "https://cdn.example-live.com/room/1/index.html",  # not a stream file
    "https://user@cdn.example-live.com/room/1/index.m3u8",
    "", "   ", "x" * 600,
])
def test_anything_else_is_refused(pasted):
    with pytest.raises(StreamError):
        parse_stream(pasted, HOSTS)


def test_the_page_may_frame_and_play_only_the_hosts_of_its_streams():
    embed = parse_stream("BV1xx411c7mD", HOSTS)
    hls = parse_stream("https://cdn.example-live.com/a.m3u8", HOSTS)
    assert frame_hosts([embed, hls, None]) == ["player.bilibili.com"]
    assert media_hosts_of([embed, hls]) == ["cdn.example-live.com"]
