// WCAG contrast of visible text against the colour painted behind it (the nearest opaque ancestor).
([selectors, minimum]) => {
  function rgba(css) {
    const n = css.match(/[\d.]+/g) || [];
    if (css.startsWith('color(srgb')) return [n[0] * 255, n[1] * 255, n[2] * 255, n.length > 3 ? +n[3] : 1];
    return [+n[0], +n[1], +n[2], n.length > 3 ? +n[3] : 1];
  }
  function luminance([r, g, b]) {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  }
  function behind(el) {
    for (let node = el; node; node = node.parentElement) {
      const bg = rgba(getComputedStyle(node).backgroundColor);
      if (bg[3] > 0.5) return bg;
    }
    return rgba(getComputedStyle(document.documentElement).backgroundColor);
  }
  const poor = [];
  for (const selector of selectors) {
    for (const el of [...document.querySelectorAll(selector)].slice(0, 12)) {
      const box = el.getBoundingClientRect();
      if (!box.width || !box.height || el.closest('.visually-hidden, .skip-link') || !el.innerText.trim()) continue;
      const fg = rgba(getComputedStyle(el).color), bg = behind(el);
      const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
      const ratio = (a + 0.05) / (b + 0.05);
      if (ratio < minimum) poor.push(`${selector} "${el.innerText.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
    }
  }
  return poor;
}
