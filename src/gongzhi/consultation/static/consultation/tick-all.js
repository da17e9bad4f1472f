// The sign-in list: "全选" ticks or clears every household/person shown, and the counter says
// how many are ticked. No inline script (the site's Content-Security-Policy forbids it).
document.addEventListener("DOMContentLoaded", function () {
  var all = document.getElementById("tick-all");
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input.tick"));
  var count = document.getElementById("ticked");
  function show() {
    if (count) count.textContent = boxes.filter(function (b) { return b.checked; }).length;
  }
  if (all) {
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
      show();
    });
  }
  boxes.forEach(function (b) { b.addEventListener("change", show); });
  show();
});
