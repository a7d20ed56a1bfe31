/* 挂图作战: a meeting-room view with large type that fills the screen. */
(function () {
  "use strict";
  var button = document.getElementById("big-screen");
  if (!button) { return; }
  button.addEventListener("click", function () {
    document.body.classList.toggle("big-screen");
    if (document.body.classList.contains("big-screen") && document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () {});
    } else if (document.fullscreenElement && document.exitFullscreen) {
      document.exitFullscreen();
    }
  });
})();
