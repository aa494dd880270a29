/* Self-grading quizzes for the {quiz} directive: grades in the browser, no kernel, no network. */
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
    if (chosen.length === 0) { show(quiz, false, TEXT.choose, []); return; }
    if (missing === 0 && extra === 0) { show(quiz, true, TEXT.correct, chosen); return; }
    var message = TEXT.wrong;
    if (quiz.getAttribute("data-quiz-kind") === "multiple") {
      message += " " + (extra ? TEXT.extra : TEXT.missing);
    }
    show(quiz, false, message, wrongChosen.length ? wrongChosen : chosen);
  }

  function gradeNumber(quiz) {
    var input = quiz.querySelector(".sgd-quiz-input");
    var value = parseNumber(input ? input.value : "");
    if (!isFinite(value)) { show(quiz, false, TEXT.number, []); return; }
    var answer = Number(quiz.getAttribute("data-answer"));
    var tolerance = Number(quiz.getAttribute("data-tolerance"));
    var ok = answer === 0 ? Math.abs(value) <= tolerance
                          : Math.abs(value - answer) <= tolerance * Math.abs(answer);
    if (ok) { show(quiz, true, TEXT.correct, []); return; }
    show(quiz, false, TEXT.wrong + " " + (value > answer ? TEXT.tooBig : TEXT.tooSmall), []);
  }

  function setUp(quiz) {
    var button = quiz.querySelector(".sgd-quiz-check");
    if (!button) return;
    var numeric = quiz.getAttribute("data-quiz-kind") === "numeric";
    button.addEventListener("click", function () {
      if (numeric) gradeNumber(quiz); else gradeChoices(quiz);
    });
    var input = quiz.querySelector(".sgd-quiz-input");
    if (input) {
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); gradeNumber(quiz); }
      });
    }
  }

  function init() {
    var quizzes = document.querySelectorAll(".sgd-quiz");
    for (var i = 0; i < quizzes.length; i++) setUp(quizzes[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
