// Layout faults: header parts cut off, drawn over each other or wrapped (at desktop width; test_phone_header
// checks the phone's one row), a squeezed search box, pill and button labels that break onto a second line.
() => {
  const faults = [];
  const parts = ['.brand', '.site-nav', '.search', '.search-open', '.account-nav', '.account-menu']
    .map((s) => [s, document.querySelector('.site-header ' + s)]).filter(([, el]) => el);
  for (let i = 0; i < parts.length; i++) {
    const [name, el] = parts[i];
    if (el.scrollWidth > el.clientWidth + 1) faults.push(`${name} is cut off (${el.scrollWidth}px in ${el.clientWidth}px)`);
    for (const [other, el2] of parts.slice(i + 1)) {
      const a = el.getBoundingClientRect(), b = el2.getBoundingClientRect();
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 1 && h > 1) faults.push(`${name} overlaps ${other} by ${Math.round(w)}px`);
    }
  }
  if (innerWidth >= 1024) {  // a desktop header is one row: every link, button and the search box side by side
    const centres = [...document.querySelectorAll('.site-header .header-row :is(a, button, input, summary)')]
      .filter((el) => el.checkVisibility()).map((el) => el.getBoundingClientRect())
      .filter((r) => r.width > 1 && r.height > 1)
      .map((r) => (r.top + r.bottom) / 2);
    if (Math.max(...centres) - Math.min(...centres) > 12) faults.push('the header wraps onto a second row');
  }
  const search = document.querySelector('.site-header .search input');
  // On a phone the box hides behind an icon (not drawn at all): only a drawn box must be wide enough.
  if (search && search.checkVisibility() && search.getBoundingClientRect().width < 160) {
    faults.push(`the header search box is ${Math.round(search.getBoundingClientRect().width)}px wide`);
  }
  const pills = '.button, .sort a, .site-nav a, .account-nav a, .account-nav button, .vote-pill, .stat-pill, .period-step';
  for (const el of document.querySelectorAll(pills)) {
    if (!el.getBoundingClientRect().width) continue;
    const centres = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim() || node.parentElement.closest('.visually-hidden')) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) if (r.width > 1) centres.push((r.top + r.bottom) / 2);
    }
    const size = parseFloat(getComputedStyle(el).fontSize);
    const lines = centres.sort((a, b) => a - b).filter((c, i, all) => i === 0 || c - all[i - 1] > size * 0.6);
    if (lines.length > 1) faults.push(`"${el.innerText.trim().replace(/\s+/g, ' ')}" wraps onto ${lines.length} lines`);
  }
  return faults;
}
