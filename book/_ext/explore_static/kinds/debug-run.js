/* Precomputed explorable "debug-run" (Lab 09: η multiplier, μ, clipping, warmup; loss and gradient norm against the baseline run.)
   Data: book/_ext/explore_data/debug-run.json, inlined in the page by book/_ext/explorable.py; drawn with the helpers of
   sgd-explore.js, which must load first (both are deferred, in this order). */
(function () {
  "use strict";
  var X = window.SGDExplore, drawSeries = X.drawSeries, sampledSteps = X.sampledSteps;

  X.register("debug-run", {
    title: "학습률 배수, 모멘텀, 클리핑, 워밍업: 손실과 기울기 노름으로 고장 찾기",
    panels: ["학습 손실 (20 위는 20에)", "전체 기울기 노름 (클리핑 전, 로그 눈금)"],
    legend: [["sgd-explore-ink", "기준 η = 0.05, μ = 0.9"], ["sgd-explore-red", "고른 설정"]],
    draw: function (data, point, idx, panels) {
      var runs = [{r: data.base, cls: "sgd-explore-ink"}, {r: point, cls: "sgd-explore-red"}];
      function series(key) {
        return runs.map(function (x) {
          return {xs: sampledSteps(x.r.n, data.every, x.r[key].length), ys: x.r[key], cls: x.cls,
                  divergedAt: x.r.diverged_at};
        });
      }
      drawSeries(panels[0], series("loss"), {xlabel: "스텝", ylabel: "학습 손실", xmax: data.steps, cap: 20});
      drawSeries(panels[1], series("grad_norm"), {xlabel: "스텝", ylabel: "기울기 노름", xmax: data.steps, ylog: true});
      return [point.text, point.diverged_at !== null];
    }
  });
})();
