/* Precomputed explorable "schedule" (Lab 08: schedule, base learning rate and warmup epochs; the lr actually used,
   the training loss and the validation accuracy against the recipe itself, as the notebook's panel draws them).
   Data: book/_ext/explore_data/schedule.json, inlined in the page by book/_ext/explorable.py; drawn with the helpers of
   sgd-explore.js, which must load first (both are deferred, in this order). */
(function () {
  "use strict";
  var X = window.SGDExplore, drawSeries = X.drawSeries, sampledSteps = X.sampledSteps;

  X.register("schedule", {
    title: "스케줄, 기준 학습률, 워밍업에 따른 학습률 곡선과 학습 손실, 검증 정확도 (실습 8, 배치 64)",
    panels: ["스텝마다 실제로 쓴 학습률", "처음 60 스텝의 학습 손실 (스텝마다)", "학습 손실 (10 스텝 이동 평균)",
             "검증 정확도 (에폭마다)"],
    legend: [["sgd-explore-base", "레시피 (배치 64, η=0.01)"], ["sgd-explore-red", "선택한 설정"]],
    note: "미리 계산한 실행 96개(스케줄 2개 × 기준 학습률 8개 × 워밍업 0~5 에폭, 배치 64, sgd_reference 로 float64 계산)에서 " +
          "고릅니다. 학습률은 에폭마다, 이동 평균 손실은 7 스텝마다 한 점입니다. 손실은 로그 눈금입니다. 배치 크기는 노트북의 " +
          "위젯에서 바꿔 볼 수 있습니다. 기준 학습률 3 의 실행은 후반이 혼돈스러워 최종 정확도가 CPU 의 계산 경로마다 크게 " +
          "다릅니다(워밍업 3 에폭에서 79.7% 대 36.5%). 여기 값은 모든 CPU 에 있는 기본 경로에서 계산한 것입니다.",
    draw: function (data, point, idx, panels) {
      var runs = [{r: data.base, cls: "sgd-explore-base"}, {r: point, cls: "sgd-explore-red"}];
      function series(key, every) {
        return runs.map(function (x) {
          return {xs: sampledSteps(x.r.n, every, x.r[key].length), ys: x.r[key], cls: x.cls, divergedAt: x.r.diverged_at};
        });
      }
      var top = Math.max.apply(null, runs.map(function (x) { return Math.max.apply(null, x.r.lr); }));
      /* no y label: the panel's title names it, and small η's tick labels (0.005) would run into it */
      drawSeries(panels[0], series("lr", data.lr_every), {xlabel: "스텝", ylabel: "", xmax: data.steps,
                                                           ylim: [0, 1.05 * top]});
      var head = data.base.head.length;
      drawSeries(panels[1], runs.map(function (x) {
        return {xs: x.r.head.map(function (_, i) { return i + 1; }), ys: x.r.head, cls: x.cls,
                divergedAt: x.r.diverged_at !== null && x.r.diverged_at <= head ? x.r.diverged_at : null};
      }), {xlabel: "스텝", ylabel: "손실", xmax: head, ylog: true, cap: 1e4});
      drawSeries(panels[2], series("loss", data.every), {xlabel: "스텝", ylabel: "손실", xmax: data.steps, ylog: true,
                                                         cap: 100});
      drawSeries(panels[3], runs.map(function (x) {
        return {xs: x.r.eval_steps, ys: x.r.acc, cls: x.cls, divergedAt: x.r.diverged_at};
      }), {xlabel: "스텝", ylabel: "정확도", xmax: data.steps, ylim: [0, 1.02]});
      return [point.text, point.diverged_at !== null];
    }
  });
})();
