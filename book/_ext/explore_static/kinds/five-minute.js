/* Precomputed explorable "five-minute" (Lab 02 (the five-minute lab): two learning rates, μ, steps and data mode; loss and held-out value.)
   Data: book/_ext/explore_data/five-minute.json, inlined in the page by book/_ext/explorable.py; drawn with the helpers of
   sgd-explore.js, which must load first (both are deferred, in this order). */
(function () {
  "use strict";
  var X = window.SGDExplore, drawSeries = X.drawSeries, sampledSteps = X.sampledSteps;

  X.register("five-minute", {
    title: "두 학습률, 모멘텀, 스텝 수, 데이터 방식에 따른 학습 손실과 새 데이터에서의 값 (실습 2)",
    panels: ["학습 손실", "새 데이터: 기대 손실 또는 검증 정확도"],
    note: "미리 계산한 실행 128개(학습률 16개 × μ 0, 0.9 × 20·200스텝 × 두 데이터 방식, sgd_reference 로 계산: 문서 원본은 " +
          "원문처럼 float32, 학습 가능한 과제는 float64)에서 두 학습률의 실행을 고릅니다.",
    legend: [["sgd-explore-gd", "첫째 학습률"], ["sgd-explore-heavy", "둘째 학습률"],
             ["sgd-explore-ink", "ln 10 (무작위 레이블의 최저 손실) 또는 찍기 10%"]],
    /* The grid holds one run per (η, μ, steps, mode), row-major in data.controls' order; the page shows
       data.page_controls (the panel's: η twice, then μ, steps, mode) and draws the two runs of the two η. The
       status line is render_comparison's: "<mode>, 모멘텀 <μ>, <steps>스텝 — <first> | <second>". */
    draw: function (data, point, idx, panels) {
      var c = {};
      data.controls.forEach(function (control) { c[control.name] = control; });
      var mode = c.mode.values[idx.mode], steps = c.steps.values[idx.steps], mu = c.momentum.values[idx.momentum];
      function run(lrIndex) {
        var at = 0, pos = {lr: lrIndex, momentum: idx.momentum, steps: idx.steps, mode: idx.mode};
        data.controls.forEach(function (control) { at = at * control.values.length + pos[control.name]; });
        return data.points[at];
      }
      var runs = [{r: run(idx.lr_a), cls: "sgd-explore-gd"}, {r: run(idx.lr_b), cls: "sgd-explore-heavy"}];
      var evalSteps = data.eval_steps[mode + "-" + steps], random = mode === "random";
      function stop(r) { return r.diverged ? r.loss.length : null; }
      var flat = {xs: [0, steps], ys: [data.ln10, data.ln10], cls: "sgd-explore-ink", dashed: true};
      drawSeries(panels[0], runs.map(function (x) {
        return {xs: x.r.loss.map(function (_, i) { return i + 1; }), ys: x.r.loss, cls: x.cls, divergedAt: stop(x.r)};
      }).concat(random ? [flat] : []), {xlabel: "스텝", ylabel: "학습 손실", xmax: steps, cap: 10 * data.ln10});
      var right = runs.map(function (x) {
        return {xs: evalSteps, ys: x.r.right.map(function (v) { return random || v === null ? v : 100 * v; }),
                cls: x.cls, divergedAt: stop(x.r)};
      });
      if (random) {
        drawSeries(panels[1], right.concat([flat]), {xlabel: "스텝", ylabel: "기대 교차 엔트로피", xmax: steps,
                                                    cap: 10 * data.ln10});
      } else {
        drawSeries(panels[1], right.concat([{xs: [0, steps], ys: [10, 10], cls: "sgd-explore-ink", dashed: true}]),
                   {xlabel: "스텝", ylabel: "검증 정확도 (%)", xmax: steps, ylim: [0, 100]});
      }
      var text = data.mode_names[mode] + ", 모멘텀 " + String(mu) + ", " + steps + "스텝 — " +
                 runs[0].r.text + " | " + runs[1].r.text;
      return [text, runs[0].r.diverged || runs[1].r.diverged];
    }
  });
})();
