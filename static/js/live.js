// The room's player: an HLS stream through the vendored hls.js (static/vendor/hls), or natively where the
// browser plays HLS itself (Safari, WeChat on iOS). Without JavaScript an MP4 still plays from its <source>.
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    var video = document.querySelector("video[data-kind=hls]");
    if (!video) return;
    var url = video.dataset.stream;
    if (window.Hls && window.Hls.isSupported()) {
      // No worker: it would need a blob: worker-src in the page's CSP.
      var hls = new window.Hls({ enableWorker: false, lowLatencyMode: true });
      hls.loadSource(url);
      hls.attachMedia(video);
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = url;
    }
  });
})();
