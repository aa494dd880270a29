/* Self-grading quizzes for the {quiz} directive: grades in the browser, no kernel, no network.
   Progress stays on the learner's machine: each graded answer is kept in localStorage under one key for this book
   (per site root), put back on the next visit while the quiz is unchanged (data-quiz-key), counted under each page's
   title and listed, with a reset button, by {quiz-progress}. Nothing is ever sent anywhere. */
(function () {
  "use strict";

  var TEXT = {
    correct: "정답입니다! 맞습니다.",
    wrong: "틀렸습니다. 다시 생각해 보세요.",
    choose: "답을 먼저 골라 주세요.",
    missing: "정답 보기를 모두 고르지 않았습니다.",
    extra: "정답이 아닌 보기가 섞여 있습니다.",
    number: "숫자를 입력해 주세요 (예: 0.5, 1e-3, 1/4).",
    tooBig: "너무 큽니다.",
    tooSmall: "너무 작습니다.",
  };

  var SUMMARY = function (total, solved) {
    return "이 장의 퀴즈 " + total + "개 중 " + solved + "개를 맞혔습니다.";
  };
  var STATE = {none: "아직 풀지 않음", correct: "맞힘", wrong: "틀림 (다시 풀어 보세요)"};
  var RESTORED = "지난번 답: ";
  var RESET_DONE = "기록을 모두 지웠습니다.";
  var RESET_CONFIRM = "이 책의 퀴즈 기록을 이 브라우저에서 모두 지울까요?";

  /* --- storage: one JSON object per book, {quizzes: {id: {key, answer, correct, time}}} --- */
  var STORE = "sgd-course:progress:" + new URL(document.documentElement.getAttribute("data-content_root") || "./",
                                               document.baseURI).pathname;

  function load() {
    try {
      var data = JSON.parse(window.localStorage.getItem(STORE) || "{}");
      return data && typeof data.quizzes === "object" && data.quizzes ? data : {quizzes: {}};
    } catch (e) {
      return {quizzes: {}};
    }
  }

  function storageWorks() {
    try {
      window.localStorage.setItem(STORE + ":test", "1");
      window.localStorage.removeItem(STORE + ":test");
      return true;
    } catch (e) {
      return false;
    }
  }

  function save(quiz, answer, correct) {
    try {
      var data = load();
      data.quizzes[quiz.id] = {key: quiz.getAttribute("data-quiz-key"), answer: answer, correct: correct,
                               time: Date.now()};
      window.localStorage.setItem(STORE, JSON.stringify(data));
    } catch (e) { /* private window or storage off: the quiz still grades, nothing is kept */ }
  }

  function savedFor(data, id, key) {
    var entry = data.quizzes[id];
    return entry && entry.key === key ? entry : null;
  }

  function parseNumber(text) {
    var s = String(text).trim().replace(/\s+/g, "").replace(/,/g, ".").replace(/−/g, "-");
    if (s === "") return NaN;
    var fraction = /^([-+]?[0-9.eE+-]+)\/([-+]?[0-9.eE+-]+)$/.exec(s);
    if (fraction) {
      var a = Number(fraction[1]), b = Number(fraction[2]);
      return b === 0 ? NaN : a / b;
    }
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return NaN;
    return Number(s);
  }

  function show(quiz, ok, message, optionIds) {
    var result = quiz.querySelector(".sgd-quiz-result");
    if (!result) return;
    var status = result.querySelector(".sgd-quiz-status");
    var blocks = result.querySelectorAll(".sgd-quiz-feedback");
    for (var i = 0; i < blocks.length; i++) {
      blocks[i].hidden = optionIds.indexOf(blocks[i].getAttribute("data-option")) === -1;
    }
    if (status) status.textContent = message;
    result.classList.remove("sgd-quiz-ok", "sgd-quiz-wrong");
    result.classList.add(ok ? "sgd-quiz-ok" : "sgd-quiz-wrong");
  }

  /* Grading returns what was answered and whether it is right (undefined: nothing to grade yet). */
  function gradeChoices(quiz) {
    var inputs = quiz.querySelectorAll(".sgd-quiz-option input");
    var chosen = [], missing = 0, extra = 0, wrongChosen = [];
    for (var i = 0; i < inputs.length; i++) {
      var correct = inputs[i].getAttribute("data-correct") === "true";
      if (inputs[i].checked) {
        chosen.push(inputs[i].id);
        if (!correct) { extra++; wrongChosen.push(inputs[i].id); }
      } else if (correct) {
        missing++;
      }
    }
    if (chosen.length === 0) { show(quiz, false, TEXT.choose, []); return undefined; }
    if (missing === 0 && extra === 0) { show(quiz, true, TEXT.correct, chosen); return {answer: chosen, ok: true}; }
    var message = TEXT.wrong;
    if (quiz.getAttribute("data-quiz-kind") === "multiple") {
      message += " " + (extra ? TEXT.extra : TEXT.missing);
    }
    show(quiz, false, message, wrongChosen.length ? wrongChosen : chosen);
    return {answer: chosen, ok: false};
  }

  function gradeNumber(quiz) {
    var input = quiz.querySelector(".sgd-quiz-input");
    var value = parseNumber(input ? input.value : "");
    if (!isFinite(value)) { show(quiz, false, TEXT.number, []); return undefined; }
    var answer = Number(quiz.getAttribute("data-answer"));
    var tolerance = Number(quiz.getAttribute("data-tolerance"));
    var ok = answer === 0 ? Math.abs(value) <= tolerance
                          : Math.abs(value - answer) <= tolerance * Math.abs(answer);
    if (ok) { show(quiz, true, TEXT.correct, []); return {answer: input.value.trim(), ok: true}; }
    show(quiz, false, TEXT.wrong + " " + (value > answer ? TEXT.tooBig : TEXT.tooSmall), []);
    return {answer: input.value.trim(), ok: false};
  }

  function grade(quiz) {
    return quiz.getAttribute("data-quiz-kind") === "numeric" ? gradeNumber(quiz) : gradeChoices(quiz);
  }

  /* The last answer goes back into the quiz and is graded again, quietly: the status region is not a live region
     while it is refilled, so a screen reader does not read out every restored quiz when the page opens. */
  function restore(quiz, entry) {
    if (quiz.getAttribute("data-quiz-kind") === "numeric") {
      var input = quiz.querySelector(".sgd-quiz-input");
      if (!input || typeof entry.answer !== "string") return;
      input.value = entry.answer;
    } else {
      if (!Array.isArray(entry.answer)) return;
      var inputs = quiz.querySelectorAll(".sgd-quiz-option input");
      for (var i = 0; i < inputs.length; i++) inputs[i].checked = entry.answer.indexOf(inputs[i].id) !== -1;
    }
    var result = quiz.querySelector(".sgd-quiz-result");
    var role = result && result.getAttribute("role");
    if (result) { result.removeAttribute("role"); result.removeAttribute("aria-live"); }
    if (grade(quiz)) {
      var status = quiz.querySelector(".sgd-quiz-status");
      if (status) status.textContent = RESTORED + status.textContent;
    }
    if (result) {
      setTimeout(function () {
        if (role) result.setAttribute("role", role);
        result.setAttribute("aria-live", "polite");
      }, 1000);
    }
  }

  function updateSummaries() {
    var data = load();
    var summaries = document.querySelectorAll(".sgd-quiz-summary");
    for (var i = 0; i < summaries.length; i++) {
      var pairs = (summaries[i].getAttribute("data-quizzes") || "").split(" ").filter(Boolean);
      var solved = 0;
      for (var j = 0; j < pairs.length; j++) {
        var cut = pairs[j].lastIndexOf("=");
        var entry = savedFor(data, pairs[j].slice(0, cut), pairs[j].slice(cut + 1));
        if (entry && entry.correct) solved++;
      }
      var text = summaries[i].querySelector(".sgd-quiz-summary-text");
      if (text) text.textContent = SUMMARY(pairs.length, solved);
      summaries[i].setAttribute("data-solved", String(solved));
    }
  }

  function setUp(quiz, data) {
    var button = quiz.querySelector(".sgd-quiz-check");
    if (!button) return;
    function check() {
      var graded = grade(quiz);
      if (graded) {
        save(quiz, graded.answer, graded.ok);
        updateSummaries();
      }
    }
    button.addEventListener("click", check);
    var input = quiz.querySelector(".sgd-quiz-input");
    if (input) {
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); check(); }
      });
    }
    var entry = savedFor(data, quiz.id, quiz.getAttribute("data-quiz-key"));
    if (entry) restore(quiz, entry);
  }

  /* --- the whole book's progress page --- */
  function updateProgress(root) {
    var data = load();
    var solvedAll = 0;
    var rows = root.querySelectorAll(".sgd-progress-chapter");
    for (var i = 0; i < rows.length; i++) {
      var items = rows[i].querySelectorAll("li[data-quiz]");
      var solved = 0;
      for (var j = 0; j < items.length; j++) {
        var entry = savedFor(data, items[j].getAttribute("data-quiz"), items[j].getAttribute("data-key"));
        var state = !entry ? "none" : entry.correct ? "correct" : "wrong";
        if (state === "correct") solved++;
        items[j].setAttribute("data-state", state);
        items[j].querySelector(".sgd-progress-state").textContent = STATE[state];
      }
      solvedAll += solved;
      rows[i].querySelector(".sgd-progress-count").textContent = items.length + "개 중 " + solved + "개 맞힘";
    }
    root.querySelector(".sgd-progress-solved").textContent = String(solvedAll);
  }

  function setUpProgress(root) {
    if (!storageWorks()) root.querySelector(".sgd-progress-unavailable").hidden = false;
    updateProgress(root);
    var button = root.querySelector(".sgd-progress-reset");
    var message = root.querySelector(".sgd-progress-message");
    button.addEventListener("click", function () {
      if (!window.confirm(RESET_CONFIRM)) return;
      try { window.localStorage.removeItem(STORE); } catch (e) { /* nothing was kept */ }
      updateProgress(root);
      message.textContent = RESET_DONE;
    });
  }

  function init() {
    var data = load();
    var quizzes = document.querySelectorAll(".sgd-quiz");
    for (var i = 0; i < quizzes.length; i++) setUp(quizzes[i], data);
    updateSummaries();
    var progress = document.querySelectorAll(".sgd-progress");
    for (var k = 0; k < progress.length; k++) setUpProgress(progress[k]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
