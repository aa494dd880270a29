/* Explorable figures of the quadratic labs (01, 04, 05) and chapters (2, 4, 5): native range inputs, a hand-written
   SVG renderer and a Korean text alternative (aria-live) that follows the state. No library, no network.
   The iteration is a second implementation of sgd_reference.labs.quadratic.run, op for op in float64; it equals the
   package bit for bit on torch's generic CPU path (ATEN_CPU_CAPABILITY=default, no fused multiply-add), which
   tests/site/test_explorables.py checks in Chromium. */
(function () {
  "use strict";

  var BLOWUP_FACTOR = 1e12;  // quadratic.BLOWUP_FACTOR: a run is cut (NaN) once its distance passes this x the start
  var LOG_FLOOR = 1e-18;     // valley_figures.LOG_FLOOR: an error of exactly 0 is drawn here on a log axis
  var SVG_NS = "http://www.w3.org/2000/svg";

  // ---------------------------------------------------------------------------------------------------------------
  // Numbers (the part the test compares with sgd_reference)
  // ---------------------------------------------------------------------------------------------------------------

  /* quadratic.run(method, curvatures, x0, lr, steps, momentum): torch.optim.SGD's step on f = ½ Σ λᵢ xᵢ².
     g ← λ·θ; v ← g (first step) or v ← μv + g; heavy ball: g ← v; Nesterov: g ← g + μv; θ ← θ − ηg.
     Returns {points: [[x...], ...] (NaN from the blow-up on), divergedAt: step or null}. */
  function iterate(method, lams, x0, lr, steps, momentum) {
    var d = lams.length, i, t;
    var mu = method === "gd" ? 0 : momentum;
    var nesterov = method === "nesterov" && mu > 0;
    var theta = x0.slice(), v = null, g;
    var points = [x0.slice()];
    for (t = 0; t < steps; t++) {
      g = new Array(d);
      for (i = 0; i < d; i++) g[i] = lams[i] * theta[i];
      if (mu !== 0) {
        if (v === null) {
          v = g.slice();
        } else {
          for (i = 0; i < d; i++) { v[i] = v[i] * mu; v[i] = v[i] + g[i]; }  // v.mul_(μ).add_(g, alpha=1)
        }
        if (nesterov) {
          var look = new Array(d);
          for (i = 0; i < d; i++) look[i] = g[i] + mu * v[i];  // g.add(v, alpha=μ), not fused
          g = look;
        } else {
          g = v;
        }
      }
      for (i = 0; i < d; i++) theta[i] = theta[i] + (-lr) * g[i];  // θ.add_(g, alpha=−η), not fused
      points.push(theta.slice());
    }
    var dist = distances(points);
    var limit = Math.max(dist[0], 1e-300) * BLOWUP_FACTOR;
    var divergedAt = null;
    for (t = 0; t < dist.length; t++) {
      if (!isFinite(dist[t]) || dist[t] > limit) { divergedAt = t; break; }
    }
    if (divergedAt !== null) {
      for (t = divergedAt; t < points.length; t++) for (i = 0; i < d; i++) points[t][i] = NaN;
    }
    return {method: method, points: points, divergedAt: divergedAt, distances: distances(points)};
  }

  function distances(points) {
    return points.map(function (p) {
      var s = 0;
      for (var i = 0; i < p.length; i++) s = i === 0 ? p[0] * p[0] : s + p[i] * p[i];
      return Math.sqrt(s);
    });
  }

  function grew(run) {  // quadratic.Run.grew
    var d = run.distances;
    return run.divergedAt !== null || d[d.length - 1] > d[0] * (1 + 1e-9);
  }

  /* Spectral radius along one direction (quadratic._direction_rate), worst over the directions. */
  function rate(method, lr, lams, momentum) {
    var worst = 0;
    lams.forEach(function (lam) {
      var a = lr * lam, r;
      if (method === "gd" || momentum === 0) {
        r = Math.abs(1 - a);
      } else {
        var b, c;
        if (method === "heavy_ball") { b = 1 + momentum - a; c = momentum; }
        else { b = (1 + momentum) * (1 - a); c = momentum * (1 - a); }
        var disc = b * b - 4 * c;
        if (disc >= 0) {
          var root = Math.sqrt(disc);
          r = Math.max(Math.abs((b + root) / 2), Math.abs((b - root) / 2));
        } else {
          r = Math.sqrt(c);  // complex pair: |z|² = c
        }
      }
      worst = Math.max(worst, r);
    });
    return worst;
  }

  function isclose(a, b, relTol) {  // Python's math.isclose(a, b, rel_tol=relTol)
    return Math.abs(a - b) <= relTol * Math.max(Math.abs(a), Math.abs(b));
  }

  function regime(lr, curvature) {  // learning_rate_figures.regime: named from ηL, with a tolerance
    var step = lr * curvature;
    if (step < 1e-12) return "너무 작아 움직이지 않음";
    if (isclose(step, 1, 1e-12)) return "한 스텝에 최솟값 도착";
    if (step < 1) return "천천히 수렴";
    if (isclose(step, 2, 1e-12)) return "같은 폭으로 계속 진동";
    if (step < 2) return "진동하며 수렴";
    return "발산";
  }

  function momentumStable(lr, momentum, lam) {  // quadratic.momentum_stable
    return momentum >= 0 && momentum < 1 && lr * lam > 0 && lr * lam < 2 + 2 * momentum;
  }

  function optimalMomentum(big, small) {  // quadratic.optimal_momentum
    var rk = Math.sqrt(big / small);
    var eta = 2 / (Math.sqrt(big) + Math.sqrt(small));
    var mu = (rk - 1) / (rk + 1);
    return [eta * eta, mu * mu];
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Formatting (Python's .3g, so the site's sentences read like the notebook's)
  // ---------------------------------------------------------------------------------------------------------------

  function g(v, p) {
    p = p || 3;
    if (v !== v) return "NaN";
    if (!isFinite(v)) return v > 0 ? "∞" : "−∞";
    if (v === 0) return "0";
    var e = Math.floor(Math.log10(Math.abs(Number(v.toPrecision(p)))));
    if (e < -4 || e >= p) {
      var parts = v.toExponential(p - 1).split("e");
      var mant = parts[0].indexOf(".") >= 0 ? parts[0].replace(/0+$/, "").replace(/\.$/, "") : parts[0];
      var exp = parseInt(parts[1], 10);
      return mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }
    return String(Number(v.toPrecision(p)));
  }

  function signed(v, p) { return v >= 0 ? "+" + g(v, p) : "−" + g(-v, p); }

  function decadeLabel(e) {
    if (e >= -2 && e <= 3) return String(Number("1e" + e));
    return "10^" + e;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Controls: native <input type="range"> over a list of values (nice two-digit values on log sliders)
  // ---------------------------------------------------------------------------------------------------------------

  function logValues(lo, hi) {
    var out = [], e, m;
    for (e = Math.floor(Math.log10(lo)) - 1; e <= Math.ceil(Math.log10(hi)); e++) {
      for (m = 10; m < 100; m++) {
        var v = Number(m + "e" + (e - 1));
        if (v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12) && out.indexOf(v) < 0) out.push(v);
      }
    }
    return out;
  }

  function linValues(lo, hi, step) {
    var out = [], n = Math.round((hi - lo) / step), digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
    for (var i = 0; i <= n; i++) out.push(Number((lo + i * step).toFixed(digits)));
    return out;
  }

  function nearest(values, v, log) {
    var best = 0, bestGap = Infinity;
    values.forEach(function (w, i) {
      var gap = log ? Math.abs(Math.log(w) - Math.log(v)) : Math.abs(w - v);
      if (gap < bestGap) { bestGap = gap; best = i; }
    });
    return best;
  }

  var serial = 0;

  function el(tag, attrs, parent, text) {
    var node = tag.indexOf("svg:") === 0 ? document.createElementNS(SVG_NS, tag.slice(4)) : document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  function addSlider(box, spec, state, onChange) {
    var id = "sgd-explore-" + (++serial);
    var values = spec.type === "log" ? logValues(spec.lo, spec.hi) : linValues(spec.lo, spec.hi, spec.step);
    var row = el("div", {"class": "sgd-explore-control"}, box);
    el("label", {"for": id}, row, spec.label);
    var input = el("input", {type: "range", id: id, min: "0", max: String(values.length - 1), step: "1",
                             "data-name": spec.name}, row);
    var output = el("output", {"for": id, "aria-hidden": "true"}, row);
    input.value = String(nearest(values, state[spec.name], spec.type === "log"));
    function show() {
      var text = spec.type === "int" ? String(state[spec.name]) : g(state[spec.name]);
      output.textContent = text;
      input.setAttribute("aria-valuetext", text + (spec.unit || ""));
    }
    input.addEventListener("input", function () {
      state[spec.name] = values[Number(input.value)];
      show();
      onChange();
    });
    show();
    return input;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // SVG panels
  // ---------------------------------------------------------------------------------------------------------------

  var W = 360, H = 260, M = {l: 50, r: 12, t: 30, b: 40};

  function panel(parent, title) {
    var svg = el("svg:svg", {viewBox: "0 0 " + W + " " + H, role: "img", "class": "sgd-explore-panel"}, parent);
    var clipId = "sgd-explore-clip-" + (++serial);
    var defs = el("svg:defs", {}, svg);
    var clip = el("svg:clipPath", {id: clipId}, defs);
    el("svg:rect", {x: M.l, y: M.t, width: W - M.l - M.r, height: H - M.t - M.b}, clip);
    el("svg:text", {x: W / 2, y: 17, "text-anchor": "middle", "class": "sgd-explore-title"}, svg, title);
    var frame = el("svg:g", {}, svg);
    var plot = el("svg:g", {"clip-path": "url(#" + clipId + ")"}, svg);
    return {svg: svg, frame: frame, plot: plot, title: title};
  }

  function clear(p) {
    while (p.frame.firstChild) p.frame.removeChild(p.frame.firstChild);
    while (p.plot.firstChild) p.plot.removeChild(p.plot.firstChild);
  }

  function scale(d0, d1, r0, r1, log) {
    var f = log ? Math.log10 : function (v) { return v; };
    var a = f(d0), b = f(d1);
    return function (v) {
      var px = r0 + (f(v) - a) / (b - a) * (r1 - r0);
      return Math.max(-1e4, Math.min(1e4, px));  // far-away points stay drawable (the clip hides them)
    };
  }

  function axes(p, sx, sy, xticks, yticks, xlabel, ylabel) {
    var x0 = M.l, x1 = W - M.r, y0 = H - M.b, y1 = M.t;
    el("svg:rect", {x: x0, y: y1, width: x1 - x0, height: y0 - y1, "class": "sgd-explore-frame"}, p.frame);
    xticks.forEach(function (t) {
      var x = sx(t[0]);
      el("svg:line", {x1: x, x2: x, y1: y0, y2: y0 + 4, "class": "sgd-explore-tick"}, p.frame);
      tickText(p.frame, x, y0 + 16, "middle", t[1]);
    });
    yticks.forEach(function (t) {
      var y = sy(t[0]);
      el("svg:line", {x1: x0 - 4, x2: x0, y1: y, y2: y, "class": "sgd-explore-tick"}, p.frame);
      el("svg:line", {x1: x0, x2: x1, y1: y, y2: y, "class": "sgd-explore-grid"}, p.frame);
      tickText(p.frame, x0 - 6, y + 4, "end", t[1]);
    });
    el("svg:text", {x: (x0 + x1) / 2, y: H - 6, "text-anchor": "middle", "class": "sgd-explore-axislabel"},
       p.frame, xlabel);
    el("svg:text", {x: 12, y: (y0 + y1) / 2, "text-anchor": "middle", "class": "sgd-explore-axislabel",
                    transform: "rotate(-90 12 " + (y0 + y1) / 2 + ")"}, p.frame, ylabel);
  }

  /* A tick label; "10^-6" is drawn as 10 with a raised exponent (fonts differ in their superscript digits). */
  function tickText(parent, x, y, anchor, label) {
    var text = el("svg:text", {x: x, y: y, "text-anchor": anchor, "class": "sgd-explore-ticklabel"}, parent);
    var m = /^10\^(-?\d+)$/.exec(label);
    if (!m) { text.textContent = label; return; }
    text.appendChild(document.createTextNode("10"));
    el("svg:tspan", {dy: "-5", "class": "sgd-explore-exponent"}, text, m[1].replace("-", "−"));
  }

  function linTicks(lo, hi, n) {
    var step = Math.pow(10, Math.floor(Math.log10((hi - lo) / n)));
    [1, 2, 5, 10].some(function (k) { if ((hi - lo) / (step * k) <= n) { step *= k; return true; } return false; });
    var out = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) {
      var r = Number(v.toPrecision(6));
      out.push([r, String(Math.abs(r) < 1e-12 ? 0 : r)]);
    }
    return out;
  }

  function polyline(parent, pts, cls, markers) {
    if (pts.length === 0) return;
    el("svg:polyline", {points: pts.map(function (q) { return q[0].toFixed(2) + "," + q[1].toFixed(2); }).join(" "),
                        "class": "sgd-explore-line " + cls}, parent);
    if (markers) {
      pts.forEach(function (q) {
        el("svg:circle", {cx: q[0].toFixed(2), cy: q[1].toFixed(2), r: 2.2, "class": "sgd-explore-dot " + cls}, parent);
      });
    }
  }

  /* The iterates on the curve f(x) = (L/2)x², drawn up to the first point that left the window (as the lab does). */
  function drawParabola(p, run, L) {
    clear(p);
    var hw = 1.25, top = 0.62 * L * hw * hw, bottom = -0.05 * L * hw * hw;
    var sx = scale(-hw, hw, M.l, W - M.r), sy = scale(bottom, top, H - M.b, M.t);
    axes(p, sx, sy, linTicks(-hw, hw, 5), linTicks(0, top, 4), "x", "f(x) = (L/2)x²");
    var curve = [];
    for (var i = 0; i <= 120; i++) { var x = -hw + 2 * hw * i / 120; curve.push([sx(x), sy(0.5 * L * x * x)]); }
    polyline(p.plot, curve, "sgd-explore-curve", false);
    var xs = run.points.map(function (q) { return q[0]; }).filter(isFinite);
    var shown = [];
    for (var k = 0; k < xs.length; k++) {
      var c = Math.max(-2 * hw, Math.min(2 * hw, xs[k]));
      shown.push([sx(c), sy(0.5 * L * c * c)]);
      if (Math.abs(xs[k]) > 1.6 * hw) break;
    }
    polyline(p.plot, shown, "sgd-explore-gd", true);
    if (shown.length) {
      el("svg:rect", {x: shown[0][0] - 4, y: shown[0][1] - 4, width: 8, height: 8, "class": "sgd-explore-start"}, p.plot);
    }
  }

  /* ‖x_t‖ against t on a log axis, one line per run; a blown-up run ends where it was cut. */
  function drawDistances(p, runs, steps) {
    clear(p);
    var lo = Infinity, hi = 0;
    runs.forEach(function (r) {
      r.run.distances.forEach(function (d) {
        if (!isFinite(d)) return;
        var v = d === 0 ? LOG_FLOOR : d;
        lo = Math.min(lo, v); hi = Math.max(hi, v);
      });
    });
    var elo = Math.floor(Math.log10(lo)), ehi = Math.ceil(Math.log10(hi));
    if (ehi - elo < 2) { elo -= 1; ehi += 1; }
    var sx = scale(0, steps, M.l, W - M.r), sy = scale(Math.pow(10, elo), Math.pow(10, ehi), H - M.b, M.t, true);
    var every = Math.max(1, Math.ceil((ehi - elo) / 5)), yt = [];
    for (var e = elo; e <= ehi; e += every) yt.push([Math.pow(10, e), decadeLabel(e)]);
    axes(p, sx, sy, linTicks(0, steps, 5), yt, "스텝 t", "최솟값까지의 거리 (로그 눈금)");
    runs.forEach(function (r) {
      var pts = [];
      r.run.distances.forEach(function (d, t) { if (isFinite(d)) pts.push([sx(t), sy(d === 0 ? LOG_FLOOR : d)]); });
      polyline(p.plot, pts, r.cls, steps <= 60);
    });
  }

  /* Level sets of ½(m x² + L y²) (log-spaced ellipses, as draw_contours) and the paths' first pathSteps points. */
  function drawValley(p, curv, runs, xlim, ylim, pathSteps) {
    clear(p);
    var sx = scale(xlim[0], xlim[1], M.l, W - M.r), sy = scale(ylim[0], ylim[1], H - M.b, M.t);
    axes(p, sx, sy, linTicks(xlim[0], xlim[1], 5), linTicks(ylim[0], ylim[1], 4), "x (완만한 방향)", "y (가파른 방향)");
    var top = 0.5 * (curv[0] * xlim[1] * xlim[1] + curv[1] * ylim[1] * ylim[1]);
    for (var i = 0; i < 14; i++) {
      var c = top * Math.pow(1e-4, 1 - i / 13);
      var rx = Math.sqrt(2 * c / curv[0]), ry = Math.sqrt(2 * c / curv[1]);
      el("svg:ellipse", {cx: sx(0), cy: sy(0), rx: Math.min(1e4, sx(rx) - sx(0)), ry: Math.min(1e4, sy(0) - sy(ry)),
                         "class": "sgd-explore-contour"}, p.plot);
    }
    el("svg:text", {x: sx(0), y: sy(0) + 5, "text-anchor": "middle", "class": "sgd-explore-star"}, p.plot, "★");
    var span = Math.max(xlim[1] - xlim[0], ylim[1] - ylim[0]) * 10;
    runs.forEach(function (r) {
      var pts = r.run.points.slice(0, pathSteps + 1).filter(function (q) { return isFinite(q[0]) && isFinite(q[1]); })
        .map(function (q) {
          return [sx(Math.max(-span, Math.min(span, q[0]))), sy(Math.max(-span, Math.min(span, q[1])))];
        });
      polyline(p.plot, pts, r.cls, true);
    });
    var s = runs[0].run.points[0];
    el("svg:rect", {x: sx(s[0]) - 4, y: sy(s[1]) - 4, width: 8, height: 8, "class": "sgd-explore-start"}, p.plot);
  }

  /* |1 − ηL| against η on log axes (the V with its bottom at 1/L); the region past 2/L, where it exceeds 1, in red. */
  function drawMultiplier(p, lr, L) {
    clear(p);
    var sx = scale(1e-3, 20, M.l, W - M.r, true), sy = scale(1e-3, 100, H - M.b, M.t, true);
    var xt = [-3, -2, -1, 0, 1].map(function (e) { return [Math.pow(10, e), decadeLabel(e)]; });
    var yt = [-3, -2, -1, 0, 1, 2].map(function (e) { return [Math.pow(10, e), decadeLabel(e)]; });
    axes(p, sx, sy, xt, yt, "학습률 η (로그 눈금)", "한 스텝의 배율 |1 − ηL|");
    el("svg:rect", {x: sx(2 / L), y: M.t, width: Math.max(0, W - M.r - sx(2 / L)), height: H - M.t - M.b,
                    "class": "sgd-explore-badzone"}, p.plot);
    el("svg:line", {x1: M.l, x2: W - M.r, y1: sy(1), y2: sy(1), "class": "sgd-explore-one"}, p.plot);
    var pts = [];
    for (var i = 0; i <= 300; i++) {
      var eta = Math.pow(10, -3 + i * Math.log10(20000) / 300);
      pts.push([sx(eta), sy(Math.max(Math.abs(1 - eta * L), 1e-3))]);
    }
    pts.push([sx(1 / L), sy(1e-3)]);
    pts.sort(function (a, b) { return a[0] - b[0]; });
    polyline(p.plot, pts, "sgd-explore-gd", false);
    el("svg:text", {x: Math.min(sx(2 / L) + 4, W - M.r - 40), y: M.t + 14, "class": "sgd-explore-note"}, p.plot, "발산");
    el("svg:circle", {cx: sx(lr), cy: sy(Math.max(Math.abs(1 - lr * L), 1e-3)), r: 5,
                      "class": "sgd-explore-now" + (lr * L > 2 ? " sgd-explore-out" : "")}, p.plot);
  }

  /* The (ηλ, μ) plane: shaded where 0 < ηλ < 2 + 2μ, one marker per eigenvalue (red when outside: divergence). */
  function drawStableRegion(p, lr, momentum, curv) {
    clear(p);
    var right = Math.min(Math.max(4.5, 1.15 * lr * Math.max(curv[0], curv[1])), 40);
    var sx = scale(0, right, M.l, W - M.r), sy = scale(0, 1, H - M.b, M.t);
    axes(p, sx, sy, linTicks(0, right, 5), linTicks(0, 1, 5), "ηλ", "모멘텀 μ");
    el("svg:polygon", {points: [[0, 0], [2, 0], [2 + 2 * 0.999, 0.999], [0, 0.999]].map(function (q) {
      return sx(q[0]).toFixed(2) + "," + sy(q[1]).toFixed(2); }).join(" "), "class": "sgd-explore-stable"}, p.plot);
    el("svg:line", {x1: sx(2), x2: sx(2), y1: sy(0), y2: sy(1), "class": "sgd-explore-one"}, p.plot);
    curv.forEach(function (lam, k) {
      var x = sx(Math.min(lr * lam, right * 0.98)), y = sy(momentum);
      var cls = "sgd-explore-now" + (momentumStable(lr, momentum, lam) ? "" : " sgd-explore-out");
      if (k === 0) el("svg:circle", {cx: x, cy: y, r: 5, "class": cls}, p.plot);
      else el("svg:rect", {x: x - 5, y: y - 5, width: 10, height: 10, "class": cls}, p.plot);
    });
  }

  /* Lines of precomputed values against the step: series {xs, ys, cls, dashed, divergedAt}; a null value is left out,
     values above opts.cap are drawn at the cap; opts {xlabel, ylabel, xmax, ylim, ylog, xlog (with xmin > 0: a log
     x axis, decade ticks), markers}. A diverged run gets a dotted line and "발산" where it stopped. */
  function drawSeries(p, series, opts) {
    clear(p);
    var lo = Infinity, hi = -Infinity, last = opts.xmax, cap = opts.cap || Infinity;
    function shown(y) { return y !== null && isFinite(y) && (!opts.ylog || y > 0); }
    series.forEach(function (s) {
      s.ys.forEach(function (y) { if (shown(y)) { y = Math.min(y, cap); lo = Math.min(lo, y); hi = Math.max(hi, y); } });
    });
    if (!isFinite(lo)) { lo = opts.ylog ? 0.1 : 0; hi = opts.ylog ? 10 : 1; }
    var sy, yticks;
    if (opts.ylog) {
      var elo = Math.floor(Math.log10(lo)), ehi = Math.ceil(Math.log10(hi));
      if (ehi - elo < 2) { elo -= 1; ehi += 1; }
      sy = scale(Math.pow(10, elo), Math.pow(10, ehi), H - M.b, M.t, true);
      var every = Math.max(1, Math.ceil((ehi - elo) / 5));
      yticks = [];
      for (var e = elo; e <= ehi; e += every) yticks.push([Math.pow(10, e), decadeLabel(e)]);
    } else {
      if (opts.ylim) { lo = opts.ylim[0]; hi = opts.ylim[1]; }
      if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
      var pad = opts.ylim ? 0 : 0.06 * (hi - lo);
      lo -= pad; hi += pad;
      sy = scale(lo, hi, H - M.b, M.t);
      yticks = linTicks(lo, hi, 4);
    }
    var sx = opts.xlog ? scale(opts.xmin, last, M.l, W - M.r, true) : scale(0, last, M.l, W - M.r), xticks = [];
    if (opts.xlog) {
      for (var d = Math.ceil(Math.log10(opts.xmin)); d <= Math.floor(Math.log10(last)); d++) xticks.push([Math.pow(10, d), decadeLabel(d)]);
    } else xticks = linTicks(0, last, 5);
    axes(p, sx, sy, xticks, yticks, opts.xlabel, opts.ylabel);
    series.forEach(function (s) {
      var pts = [];
      s.ys.forEach(function (y, i) { if (shown(y) && i < s.xs.length) pts.push([sx(s.xs[i]), sy(Math.min(y, cap))]); });
      polyline(p.plot, pts, s.cls + (s.dashed ? " sgd-explore-dashed" : ""), !!(opts.markers || s.markers));
      if (s.divergedAt !== null && s.divergedAt !== undefined) {
        var at = Math.min(Math.max(s.divergedAt, 0), last);
        el("svg:line", {x1: sx(at), x2: sx(at), y1: M.t, y2: H - M.b, "class": "sgd-explore-one"}, p.plot);
        el("svg:text", {x: Math.min(sx(at) + 4, W - M.r - 40), y: M.t + 14, "class": "sgd-explore-note"}, p.plot,
           "발산");
      }
    });
  }

  /* The steps of a series sampled every `every` steps, its last step (n − 1) always kept. */
  function sampledSteps(n, every, count) {
    var xs = [];
    for (var i = 0; i < count; i++) xs.push(Math.min(i * every, n - 1));
    return xs;
  }

  function legend(parent, entries) {
    var ul = el("ul", {"class": "sgd-explore-legend", "aria-hidden": "true"}, parent);
    entries.forEach(function (e) {
      var li = el("li", {}, ul);
      el("span", {"class": "sgd-explore-swatch " + e[0]}, li);
      li.appendChild(document.createTextNode(e[1]));
    });
    return ul;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The three kinds
  // ---------------------------------------------------------------------------------------------------------------

  var METHOD_NAMES = {gd: "경사 하강법", heavy_ball: "헤비볼 모멘텀", nesterov: "네스테로프 모멘텀"};
  var VALLEY_X0 = [-2.0, 0.6], VALLEY_XLIM = [-2.4, 2.4], VALLEY_YLIM = [-1.6, 1.6], PATH_STEPS = 60;

  function num(box, name, fallback) {
    var v = box.getAttribute("data-" + name);
    return v === null || v === "" ? fallback : Number(v);
  }

  var KINDS = {
    "lr-1d": {
      title: "학습률과 경사 하강법: 1차원 포물선과 2차원 골짜기",
      init: function (box) {
        return {lr: num(box, "lr", 0.4), steps: num(box, "steps", 20), curvature: num(box, "curvature", 4.0)};
      },
      controls: [
        {name: "lr", label: "학습률 η", type: "log", lo: 1e-3, hi: 10},
        {name: "steps", label: "스텝 수", type: "int", lo: 1, hi: 100, step: 1, unit: "스텝"},
        {name: "curvature", label: "곡률 L", type: "log", lo: 0.1, hi: 10}
      ],
      panels: ["포물선 위의 경로", "최솟값까지의 거리", "배율 |1 − ηL| 과 발산 경계 2/L", "2차원 골짜기의 경로"],
      legend: [["sgd-explore-gd", "경사 하강법"], ["sgd-explore-start", "시작점"],
               ["sgd-explore-dotkey", "지금 η (빨강: 발산)"]],
      draw: function (s, panels) {
        var L = s.curvature, flat = L / 10;
        var run1 = iterate("gd", [L], [1.0], s.lr, s.steps, 0);
        var run2 = iterate("gd", [flat, L], [-2.0, 1.0], s.lr, s.steps, 0);
        drawParabola(panels[0], run1, L);
        drawDistances(panels[1], [{run: run1, cls: "sgd-explore-gd"}], s.steps);
        drawMultiplier(panels[2], s.lr, L);
        drawValley(panels[3], [flat, L], [{run: run2, cls: "sgd-explore-gd"}], VALLEY_XLIM, VALLEY_YLIM, 400);
        var factor = 1 - s.lr * L, limit = 2 / L, name = regime(s.lr, L);
        var end = Math.abs(run1.points[run1.points.length - 1][0]);
        if (name === "발산") {
          var where = run1.divergedAt !== null ? run1.divergedAt + "스텝 만에 1e12배 넘게 커졌습니다"
            : s.steps + "스텝 뒤 |x| = " + g(end) + " (처음의 " + g(end) + "배)";
          return ["η = " + g(s.lr) + ", L = " + g(L) + ": 발산. η > 2/L = " + g(limit) +
            " 이라 매 스텝 거리가 |1 − ηL| = " + g(Math.abs(factor)) + "배가 됩니다. " + where + ".", true];
        }
        return ["η = " + g(s.lr) + ", L = " + g(L) + ": " + name + ". 1 − ηL = " + signed(factor) + ", " +
          s.steps + "스텝 뒤 |x| = " + g(end) + " (발산 경계 2/L = " + g(limit) + ").", false];
      }
    },
    momentum: {
      title: "조건수 κ 인 골짜기에서 헤비볼 모멘텀과 경사 하강법",
      init: function (box) {
        var kappa = num(box, "kappa", 100), best = optimalMomentum(1, 1 / kappa);
        return {lr: num(box, "lr", best[0]), momentum: num(box, "momentum", best[1]), kappa: kappa,
                steps: num(box, "steps", 200)};
      },
      controls: [
        {name: "lr", label: "학습률 η", type: "log", lo: 1e-2, hi: 10},
        {name: "momentum", label: "모멘텀 μ", type: "lin", lo: 0, hi: 0.99, step: 0.01},
        {name: "kappa", label: "조건수 κ", type: "log", lo: 1, hi: 1000},
        {name: "steps", label: "스텝 수", type: "int", lo: 10, hi: 300, step: 10, unit: "스텝"}
      ],
      panels: ["골짜기의 경로 (처음 60스텝)", "최솟값까지의 거리", "안정 조건 0 < ηλ < 2 + 2μ"],
      legend: [["sgd-explore-gd", "경사 하강법 (최적 η = 2/(L + m))"], ["sgd-explore-heavy", "헤비볼 모멘텀 (η, μ)"],
               ["sgd-explore-start", "시작점"], ["sgd-explore-dotkey", "ηm (●), ηL (■); 빨강: 영역 밖, 발산"]],
      draw: function (s, panels) {
        var m = 1 / s.kappa, L = 1, curv = [m, L];
        var heavy = iterate("heavy_ball", curv, VALLEY_X0, s.lr, s.steps, s.momentum);
        var gd = iterate("gd", curv, VALLEY_X0, 2 / (L + m), s.steps, 0);
        drawValley(panels[0], curv, [{run: gd, cls: "sgd-explore-gd"}, {run: heavy, cls: "sgd-explore-heavy"}],
                   VALLEY_XLIM, VALLEY_YLIM, PATH_STEPS);
        drawDistances(panels[1], [{run: gd, cls: "sgd-explore-gd"}, {run: heavy, cls: "sgd-explore-heavy"}], s.steps);
        drawStableRegion(panels[2], s.lr, s.momentum, curv);
        var head = "η = " + g(s.lr) + ", μ = " + g(s.momentum) + ", κ = " + g(s.kappa) + ": ";
        if (!(momentumStable(s.lr, s.momentum, m) && momentumStable(s.lr, s.momentum, L))) {
          return [head + "발산. 가파른 방향에서 ηL = " + g(s.lr * L) + " 가 2 + 2μ = " + g(2 + 2 * s.momentum) +
            " 를 넘습니다 (이 μ 에서 η 의 상한은 " + g((2 + 2 * s.momentum) / L) + ").", true];
        }
        var rk = Math.sqrt(s.kappa);
        var d = heavy.distances[heavy.distances.length - 1];
        return [head + "수렴. 이론 수렴 속도 " + rate("heavy_ball", s.lr, curv, s.momentum).toFixed(4) +
          " (최적 η*, μ* 에서 " + ((rk - 1) / (rk + 1)).toFixed(4) + ", 경사 하강법의 최선 " +
          ((s.kappa - 1) / (s.kappa + 1)).toFixed(4) + "). " + s.steps + "스텝 뒤 거리 " + g(d) + ".", false];
      }
    },
    nesterov: {
      title: "같은 η, μ 에서 헤비볼 모멘텀과 네스테로프 모멘텀",
      init: function (box) {
        return {lr: num(box, "lr", 0.5), momentum: num(box, "momentum", 0.9), kappa: num(box, "kappa", 100),
                steps: num(box, "steps", 150)};
      },
      controls: [
        {name: "lr", label: "학습률 η", type: "log", lo: 1e-2, hi: 10},
        {name: "momentum", label: "모멘텀 μ", type: "lin", lo: 0, hi: 0.99, step: 0.01},
        {name: "kappa", label: "조건수 κ", type: "log", lo: 1, hi: 1000}
      ],
      panels: ["골짜기의 경로 (처음 60스텝)", "최솟값까지의 거리"],
      legend: [["sgd-explore-heavy", "헤비볼 모멘텀"], ["sgd-explore-nesterov", "네스테로프 모멘텀"],
               ["sgd-explore-start", "시작점"]],
      draw: function (s, panels) {
        var curv = [1 / s.kappa, 1];
        var runs = [{run: iterate("heavy_ball", curv, VALLEY_X0, s.lr, s.steps, s.momentum), cls: "sgd-explore-heavy"},
                    {run: iterate("nesterov", curv, VALLEY_X0, s.lr, s.steps, s.momentum), cls: "sgd-explore-nesterov"}];
        drawValley(panels[0], curv, runs, VALLEY_XLIM, VALLEY_YLIM, PATH_STEPS);
        drawDistances(panels[1], runs, s.steps);
        var diverged = false;
        var parts = runs.map(function (r) {
          var name = METHOD_NAMES[r.run.method], th = rate(r.run.method, s.lr, curv, s.momentum);
          if (grew(r.run) || th >= 1) { diverged = true; return name + " 발산 (이론 배율 " + g(th) + ")"; }
          var d = r.run.distances[r.run.distances.length - 1];
          return name + " 수렴 (이론 수렴 속도 " + th.toFixed(4) + ", " + s.steps + "스텝 뒤 거리 " + g(d) + ")";
        });
        return ["η = " + g(s.lr) + ", μ = " + g(s.momentum) + ", κ = " + g(s.kappa) + ": " + parts.join(", ") + ".",
                diverged];
      }
    }
  };

  /* Precomputed kinds (the neural-network labs): each lives in its own file, explore_static/kinds/<kind>.js, which
     calls SGDExplore.register(name, {title, panels, legend, note?, draw}); explorable.py loads it after this script
     on the pages that have that kind. The page carries the grid as JSON next to the div (explorable.py inlines
     book/_ext/explore_data/<kind>.json, made by sgd_reference.labs.explorable_data); the controls snap to the grid's
     values, and the text alternative is the notebook panel's own status line returned by draw(). */
  var PRECOMPUTED = {};

  function readData(box, name) {
    var script = document.querySelector('script.sgd-explore-data[data-kind="' + name + '"]');
    if (!script) return null;
    try { return JSON.parse(script.textContent); } catch (e) { return null; }
  }

  /* One control per grid axis: a <select> for named choices, else a range input over the grid's own values. */
  function addGridControl(box, control, idx, onChange) {
    var id = "sgd-explore-" + (++serial);
    var row = el("div", {"class": "sgd-explore-control"}, box);
    el("label", {"for": id}, row, control.label);
    var start = Math.max(0, control.values.indexOf(control.value));
    idx[control.name] = start;
    if (control.checkbox) {  // off/on: a native checkbox, its label the control's name
      var box2 = el("input", {type: "checkbox", id: id, "data-name": control.name}, row);
      row.insertBefore(box2, row.firstChild);
      box2.checked = start === 1;
      box2.addEventListener("change", function () { idx[control.name] = box2.checked ? 1 : 0; onChange(); });
      row.classList.add("sgd-explore-check");
      return box2;
    }
    if (control.labels) {
      var select = el("select", {id: id, "data-name": control.name}, row);
      control.labels.forEach(function (label, i) { el("option", {value: String(i)}, select, label); });
      select.value = String(start);
      select.addEventListener("change", function () { idx[control.name] = Number(select.value); onChange(); });
      return select;
    }
    var input = el("input", {type: "range", id: id, min: "0", max: String(control.values.length - 1), step: "1",
                             "data-name": control.name}, row);
    var output = el("output", {"for": id, "aria-hidden": "true"}, row);
    input.value = String(start);
    function show() {
      var text = g(control.values[idx[control.name]]);
      output.textContent = text;
      input.setAttribute("aria-valuetext", text);
    }
    input.addEventListener("input", function () { idx[control.name] = Number(input.value); show(); onChange(); });
    show();
    return input;
  }

  function buildPrecomputed(box, name, kind) {
    var data = readData(box, name);
    box.textContent = "";
    var titleId = "sgd-explore-" + (++serial);
    box.setAttribute("role", "group");
    box.setAttribute("aria-labelledby", titleId);
    el("p", {"class": "sgd-explore-heading", id: titleId}, box, kind.title);
    if (!data) {
      el("p", {"class": "sgd-explore-status", role: "status"}, box,
         "이 그림의 미리 계산한 자료를 찾지 못했습니다. 노트북을 Colab 이나 JupyterLab 에서 실행해 보세요.");
      box.setAttribute("data-ready", "true");
      return;
    }
    var controls = el("div", {"class": "sgd-explore-controls"}, box);
    var status = el("p", {"class": "sgd-explore-status", role: "status", "aria-live": "polite"}, box);
    legend(box, kind.legend);
    el("p", {"class": "sgd-explore-note-text"}, box,
       kind.note || ("미리 계산한 격자(" + data.points.length + "개 설정, sgd_reference 로 float64 계산)에서 고릅니다."));
    var figs = el("div", {"class": "sgd-explore-figures"}, box);
    var panels = kind.panels.map(function (t) { return panel(figs, t); });
    var idx = {};
    function render() {
      var at = 0;
      data.controls.forEach(function (c) { at = at * c.values.length + idx[c.name]; });
      var result = kind.draw(data, data.points[at], idx, panels), text = result[0];
      status.textContent = text;
      box.classList.toggle("sgd-explore-diverged", result[1]);
      panels.forEach(function (p) { p.svg.setAttribute("aria-label", p.title + ". " + text); });
    }
    (data.page_controls || data.controls).forEach(function (c) { addGridControl(controls, c, idx, render); });
    render();
    box.setAttribute("data-ready", "true");
  }

  function build(box) {
    var name = box.getAttribute("data-kind");
    if (PRECOMPUTED[name]) { buildPrecomputed(box, name, PRECOMPUTED[name]); return; }
    var kind = KINDS[name];
    if (!kind) return;
    var state = kind.init(box);
    box.textContent = "";
    var titleId = "sgd-explore-" + (++serial);
    var statusId = "sgd-explore-" + (++serial);
    box.setAttribute("role", "group");
    box.setAttribute("aria-labelledby", titleId);
    el("p", {"class": "sgd-explore-heading", id: titleId}, box, kind.title);
    var controls = el("div", {"class": "sgd-explore-controls"}, box);
    var status = el("p", {"class": "sgd-explore-status", id: statusId, role: "status", "aria-live": "polite"}, box);
    legend(box, kind.legend);
    var figs = el("div", {"class": "sgd-explore-figures"}, box);
    var panels = kind.panels.map(function (t) { return panel(figs, t); });
    function render() {
      var result = kind.draw(state, panels), text = result[0];
      status.textContent = text;
      box.classList.toggle("sgd-explore-diverged", result[1]);
      panels.forEach(function (p) { p.svg.setAttribute("aria-label", p.title + ". " + text); });
    }
    kind.controls.forEach(function (spec) { addSlider(controls, spec, state, render); });
    render();
    box.setAttribute("data-ready", "true");
  }

  /* The API of the kind files (and of the tests, which call iterate/rate/regime in the browser). */
  window.SGDExplore = {iterate: iterate, rate: rate, regime: regime, logValues: logValues, format: g, signed: signed,
                     drawSeries: drawSeries, sampledSteps: sampledSteps, el: el, clear: clear, scale: scale,
                     axes: axes, polyline: polyline, linTicks: linTicks, decadeLabel: decadeLabel,
                     frame: {W: W, H: H, M: M},  // a panel's viewBox and margins, for a kind's own axes
                     precomputed: [],
                     register: function (name, kind) { PRECOMPUTED[name] = kind; window.SGDExplore.precomputed.push(name); }};

  /* Build after every deferred script (the kind files) has run: deferred scripts run before DOMContentLoaded. */
  function start() { Array.prototype.forEach.call(document.querySelectorAll(".sgd-explore"), build); }
  if (document.readyState === "complete") start(); else document.addEventListener("DOMContentLoaded", start);
})();
