/* Names for what the saved-widget renderer (html-manager) draws without one: slider handles get their visible
   label (and the readout's value), a widget's frozen picture gets its cell's text alternative (book/_ext/a11y.py
   writes it from the cell's mystnb.image.alt metadata). Runs on every change, because widgets render late. */
(function () {
  "use strict";
  var FALLBACK_ALT = "저장된 위젯 그림: 슬라이더의 기본값으로 그린 그래프";
  var serial = 0;

  function nameSliders(root) {
    var handles = root.querySelectorAll(".widget-slider .noUi-handle:not([aria-labelledby])");
    for (var i = 0; i < handles.length; i++) {
      var slider = handles[i].closest(".widget-slider");
      var label = slider && slider.querySelector(".widget-label");
      if (!label || !label.textContent.trim()) continue;
      if (!label.id) label.id = "sgd-widget-label-" + (++serial);
      handles[i].setAttribute("aria-labelledby", label.id);
      var readout = slider.querySelector(".widget-readout");
      if (readout && readout.textContent.trim()) handles[i].setAttribute("aria-valuetext", readout.textContent.trim());
    }
  }

  function altImages(root) {
    var images = root.querySelectorAll(".widget-subarea img:not([alt])");
    for (var i = 0; i < images.length; i++) {
      var cell = images[i].closest(".cell");
      var marker = cell && cell.querySelector(".sgd-widget-alt");
      images[i].setAttribute("alt", marker ? marker.getAttribute("data-alt") : FALLBACK_ALT);
    }
  }

  function fix() {
    nameSliders(document);
    altImages(document);
  }

  function init() {
    fix();
    if (!document.querySelector('script[type="application/vnd.jupyter.widget-view+json"]')) return;
    new MutationObserver(fix).observe(document.body, {childList: true, subtree: true});
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
