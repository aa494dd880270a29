/* Precomputed explorable "weight-decay" (Lab 06: λ, μ and coupled/decoupled decay; ‖θ‖ and training/validation accuracy against λ = 0.)
   Data: book/_ext/explore_data/weight-decay.json, inlined in the page by book/_ext/explorable.py; drawn with the helpers of
   sgd-explore.js, which must load first (both are deferred, in this order). */
(function () {
  "use strict";
  var X = window.SGDExplore, drawSeries = X.drawSeries, sampledSteps = X.sampledSteps;

  X.register("weight-decay", {
    title: "가중치 감쇠 λ, 모멘텀 μ, 감쇠 방식에 따른 파라미터 크기와 학습/검증 정확도",
    panels: ["파라미터 크기 ‖θ‖", "학습(실선) / 검증(점선) 정확도"],
    legend: [["sgd-explore-base", "λ = 0 (감쇠 없음, 같은 μ)"], ["sgd-explore-red", "고른 λ 와 방식"]],
    draw: function (data, point, idx, panels) {
      var base = data.bases[idx.momentum];
      function xs(r) { return data.steps.slice(0, r.norm.length); }
      var opts = {xlabel: "스텝", xmax: data.steps[data.steps.length - 1]};
      drawSeries(panels[0], [
        {xs: xs(base), ys: base.norm, cls: "sgd-explore-base", divergedAt: base.diverged_at},
        {xs: xs(point), ys: point.norm, cls: "sgd-explore-red", divergedAt: point.diverged_at}],
        {xlabel: opts.xlabel, xmax: opts.xmax, ylabel: "‖θ‖"});
      drawSeries(panels[1], [
        {xs: xs(base), ys: base.train, cls: "sgd-explore-base"},
        {xs: xs(base), ys: base.val, cls: "sgd-explore-base", dashed: true},
        {xs: xs(point), ys: point.train, cls: "sgd-explore-red", divergedAt: point.diverged_at},
        {xs: xs(point), ys: point.val, cls: "sgd-explore-red", dashed: true}],
        {xlabel: opts.xlabel, xmax: opts.xmax, ylabel: "정확도", ylim: [0, 1.05]});
      return [point.text, point.diverged_at !== null];
    }
  });
})();
