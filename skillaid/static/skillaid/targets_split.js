// The split page: the running total of the parts and its difference from the parent's
// target, as the reviewer types (the server checks again on saving).
(function () {
  const form = document.getElementById("split-form");
  if (!form || form.dataset.additive !== "1") return;
  const parent = Number(document.getElementById("split-parent").dataset.value);
  const total = document.getElementById("split-total");
  const diff = document.getElementById("split-difference");
  const fmt = (n) => n.toLocaleString("zh-CN", { maximumFractionDigits: 2 });
  function update() {
    let sum = 0;
    let bad = false;
    form.querySelectorAll("input.split-part").forEach((input) => {
      const text = input.value.replace(/[,，\s]/g, "");
      if (text === "") return;
      const n = Number(text);
      if (Number.isFinite(n)) sum += n;
      else bad = true;
    });
    total.textContent = fmt(sum) + (bad ? "（有非数字的值）" : "");
    const d = Math.round((sum - parent) * 100) / 100;
    diff.className = d < 0 ? "error" : d > 0 ? "ok" : "";
    diff.textContent = d < 0 ? "少 " + fmt(-d) : d > 0 ? "超出 " + fmt(d) : "相等";
  }
  form.addEventListener("input", update);
  update();
})();
