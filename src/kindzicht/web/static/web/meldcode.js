/* Progressive enhancement of the Meldcode pages; everything works without it.
   1. Step 4: a preview of where the afwegingskader's answers lead, while answering (the server
      shows the outcome after saving). The rule is kindzicht.meldcode.afwegingskader.outcome.
   2. Choosing a handover's receiver: the knowledge-base entry of its sector opens. */
(function () {
  "use strict";
  var receiver = document.getElementById("id_receiver");
  if (!receiver) { return; }
  function openSector() {
    var option = receiver.options[receiver.selectedIndex];
    var group = option && option.parentElement && option.parentElement.label;
    document.querySelectorAll(".knowledge-entry").forEach(function (entry) {
      entry.open = Boolean(group) && entry.getAttribute("data-sector-label") === group;
    });
  }
  receiver.addEventListener("change", openSector);
  openSector();
})();

(function () {
  "use strict";
  var form = document.getElementById("afwegingskader");
  var out = document.getElementById("voorlopige-uitkomst");
  if (!form || !out) { return; }
  var questions = ["q1", "q2", "q3", "q4", "q5"];

  function answer(q) {
    var checked = form.querySelector("input[name='" + q + "']:checked");
    return checked ? checked.value === "ja" : null;
  }

  function outcome(a) {
    if (a.q1 === false) { return "no_concern"; }
    if (questions.some(function (q) { return a[q] === null; })) { return ""; }
    if (a.q2 || !a.q3 || !a.q4 || !a.q5) { return "report"; }
    return "organise_help";
  }

  function update() {
    var a = {};
    questions.forEach(function (q) { a[q] = answer(q); });
    var result = outcome(a);
    if (!result) { out.hidden = true; out.textContent = ""; return; }
    out.hidden = false;
    out.textContent = form.dataset.previewText + " " + form.getAttribute("data-label-" + result);
  }

  form.addEventListener("change", update);
  update();
})();
