/* Names for what the saved-widget renderer (html-manager) draws without one: slider handles get their visible
   label (and the readout's value), a widget's frozen picture gets its cell's text alternative (book/_ext/a11y.py
   writes it from the cell's mystnb.image.alt metadata) and a link to itself at full size, for phones. Runs on every
   change, because widgets render late. Also keeps the theme's "맨 위로" button off what the reader taps. */
(function () {
  "use strict";
  var FALLBACK_ALT = "저장된 위젯 그림: 슬라이더의 기본값으로 그린 그래프";
  var ZOOM_HINT = "크게 보기";
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

  /* A widget's frozen picture is a data: URL, which a browser will not open as a page of its own: the link that
     shows it at full size (as book/_ext/a11y.py does for the other figures) goes to a blob: copy of it. */
  function pngBlob(dataUrl) {
    var bytes = atob(dataUrl.slice(dataUrl.indexOf(",") + 1));
    var array = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) array[i] = bytes.charCodeAt(i);
    return new Blob([array], {type: "image/png"});
  }

  function zoomImages(root) {
    var images = root.querySelectorAll(".widget-subarea img:not([data-sgd-zoom])");
    for (var i = 0; i < images.length; i++) {
      var image = images[i];
      image.setAttribute("data-sgd-zoom", "");
      if (image.closest("a") || image.getAttribute("src").indexOf("data:image/png;base64,") !== 0) continue;
      var link = document.createElement("a");
      link.className = "sgd-figure-zoom";
      link.href = URL.createObjectURL(pngBlob(image.getAttribute("src")));
      var hint = document.createElement("span");
      hint.className = "sgd-figure-zoom-hint";
      hint.textContent = ZOOM_HINT;
      image.parentNode.insertBefore(link, image);
      link.appendChild(image);
      link.appendChild(hint);
    }
  }

  function fix() {
    nameSliders(document);
    altImages(document);
    zoomImages(document);
  }

  /* The theme shows "맨 위로" while the reader scrolls up; hide it whenever it lies over something to tap or read
     closely (a link, a control, a quiz option, a figure), so it never covers what the reader is about to use. */
  var COVERABLE = ".bd-article a, .bd-article button, .bd-article input, .bd-article select, .bd-article textarea, " +
    ".bd-article summary, .bd-article label, .bd-article img, .bd-article svg, .bd-article .sgd-quiz-option";
  function guardBackToTop() {
    var button = document.getElementById("pst-back-to-top");
    if (!button) return;
    var pending = false;
    function check() {
      pending = false;
      button.style.visibility = "";
      if (getComputedStyle(button).display === "none") return;
      var r = button.getBoundingClientRect(), pad = 6;
      var targets = document.querySelectorAll(COVERABLE);
      for (var i = 0; i < targets.length; i++) {
        var q = targets[i].getBoundingClientRect();
        if (q.width === 0 || q.bottom < r.top - pad || q.top > r.bottom + pad) continue;
        if (q.right < r.left - pad || q.left > r.right + pad) continue;
        button.style.visibility = "hidden";
        return;
      }
    }
    function later() {
      if (!pending) { pending = true; requestAnimationFrame(check); }
    }
    window.addEventListener("scroll", later, {passive: true});
    window.addEventListener("resize", later);
  }

  /* Formulas are out of the Tab order (_config.yml: MathJax inTabOrder false), but one wider than the column (a
     long display formula on a phone) scrolls sideways, and a keyboard can only scroll what it can focus: such a
     formula, and only while it overflows, is a Tab stop. A tabindex that MathJax set (the reader's own choice in
     its menu) is left alone. */
  function focusableWideFormulas() {
    var formulas = document.querySelectorAll("mjx-container");
    for (var i = 0; i < formulas.length; i++) {
      var f = formulas[i], ours = f.hasAttribute("data-sgd-scroll");
      var overflows = f.scrollWidth > f.clientWidth + 1 && getComputedStyle(f).overflowX !== "visible";
      if (overflows && !f.hasAttribute("tabindex")) {
        f.setAttribute("tabindex", "0");
        f.setAttribute("data-sgd-scroll", "");
      } else if (!overflows && ours) {
        f.removeAttribute("tabindex");
        f.removeAttribute("data-sgd-scroll");
      }
    }
  }

  function watchFormulas() {
    if (!window.MathJax || !MathJax.startup || !MathJax.startup.promise) return;
    MathJax.startup.promise.then(focusableWideFormulas);
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(focusableWideFormulas, 200);
    });
  }

  function init() {
    guardBackToTop();
    // MathJax's own script runs after this one (both deferred): its startup promise exists once the page has loaded.
    if (document.readyState === "complete") watchFormulas();
    else window.addEventListener("load", watchFormulas);
    fix();
    if (!document.querySelector('script[type="application/vnd.jupyter.widget-view+json"]')) return;
    new MutationObserver(fix).observe(document.body, {childList: true, subtree: true});
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
