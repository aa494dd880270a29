/* Precomputed explorable "data-parallel" (Lab 10: the number of DDP workers, the lr rule and the one-worker lr; the
   whole-data loss against one worker, and the largest parameter difference against one process in float64/float32.)
   Data: book/_ext/explore_data/data-parallel.json, inlined in the page by book/_ext/explorable.py; drawn with the
   helpers of sgd-explore.js, which must load first (both are deferred, in this order). */
(function () {
  "use strict";
  var X = window.SGDExplore, drawSeries = X.drawSeries;

  X.register("data-parallel", {
    title: "작업자 수와 학습률 규칙: 데이터 병렬 SGD 의 손실과, 한 프로세스와의 파라미터 차이",
    panels: ["전체 데이터 손실 (로그 눈금)", "한 프로세스와의 가장 큰 파라미터 차이 (로그 눈금)"],
    legend: [["sgd-explore-ink", "작업자 1개 (기준 η)"], ["sgd-explore-red", "고른 설정 (float64)"],
             ["sgd-explore-gd", "차이: float64"], ["sgd-explore-heavy", "차이: float32 (점선: 20스텝 허용 오차)"]],
    note: "설정마다 sgd_reference.distributed.launch 로 실제 DDP 작업자(gloo, 작업자당 배치 8)를 띄워 4에폭 학습하고, " +
          "같은 전역 배치의 한 프로세스 실행(train_single)과 비교한 결과입니다. 반올림 수준 차이의 값은 torch 의 일반 " +
          "CPU 경로(ATEN_CPU_CAPABILITY=default)에서 잰 것이라 여러분의 CPU 에서는 마지막 자리가 다를 수 있습니다.",
    draw: function (data, point, idx, panels) {
      var epoch = data.data_size, xs = data.samples.map(function (s) { return s / epoch; });
      var base = data.baselines[idx.base_lr];
      function at(samples) { return samples === null ? null : samples / epoch; }
      drawSeries(panels[0], [
        {xs: xs, ys: base.loss, cls: "sgd-explore-ink", divergedAt: at(base.diverged_at)},
        {xs: xs, ys: point.loss, cls: "sgd-explore-red", divergedAt: at(point.diverged_at)}],
        {xlabel: "에폭", ylabel: "손실", xmax: data.epochs, ylog: true, cap: 10 * data.diverged_loss});
      var ends = [0, data.epochs];
      drawSeries(panels[1], [
        {xs: [], ys: [1e-17, 1e-4], cls: "sgd-explore-gd"},  // no points: only keeps the same y range for every setting
        {xs: ends, ys: [data.tolerance.float64, data.tolerance.float64], cls: "sgd-explore-gd", dashed: true},
        {xs: ends, ys: [data.tolerance.float32, data.tolerance.float32], cls: "sgd-explore-heavy", dashed: true},
        {xs: xs, ys: point.diff_float64, cls: "sgd-explore-gd", divergedAt: at(point.diverged_at)},
        {xs: xs, ys: point.diff_float32, cls: "sgd-explore-heavy"}],
        {xlabel: "에폭", ylabel: "최대 |Δθ|", xmax: data.epochs, ylog: true, cap: 1});
      var zero = point.diff_float64.concat(point.diff_float32).every(function (d) { return d === 0; });
      if (zero) {
        X.el("svg:text", {x: 200, y: 130, "text-anchor": "middle", "class": "sgd-explore-axislabel"}, panels[1].plot,
             "차이 0: 비트 단위로 같음");
      }
      return [point.text, point.diverged_at !== null];
    }
  });
})();
