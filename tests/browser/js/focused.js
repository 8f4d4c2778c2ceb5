// What has focus, described for test_keyboard.py: where it is, and whether a focus ring is painted on screen.
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== 'none';
  const card = el.closest('article.card');
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    cls: el.className && typeof el.className === 'string' ? el.className : '',
    text: (el.innerText || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 80),
    href: el.getAttribute('href'),
    region: el.closest('.skip-link') ? 'skip' : el.closest('.site-nav') ? 'nav' : el.closest('.search') ? 'search'
      : el.closest('.account-nav') ? 'account' : el.closest('.brand') ? 'brand' : card ? 'card' : 'main',
    card: card ? [...document.querySelectorAll('article.card')].indexOf(card) : -1,
    vote: !!el.closest('form[data-vote]'),
    title: !!el.closest('.card-title'),
    // A date box's inner stops (month, day, year, calendar button) leave :focus-visible off the box itself.
    ring: ring && (el.matches(':focus-visible') || el.matches('input[type=date]:focus-within')),
    onScreen: box.width > 0 && box.height > 0 && box.top >= 0 && box.bottom <= innerHeight &&
      box.left >= 0 && box.right <= innerWidth,
  };
}
