// Event-handler attributes, javascript:/data: URLs and scripts that are not our own /static/ files.
() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const value = attr.value.trim().toLowerCase();
      if (attr.name.toLowerCase().startsWith('on')) bad.push(el.tagName + ' ' + attr.name);
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(attr.name) &&
          (value.startsWith('javascript:') || value.startsWith('data:text'))) bad.push(el.tagName + ' ' + value);
    }
  }
  for (const s of document.scripts) {
    if (!s.src || new URL(s.src).origin !== location.origin || !new URL(s.src).pathname.startsWith('/static/')) {
      bad.push('script ' + (s.src || s.textContent.slice(0, 60)));
    }
  }
  for (const el of document.querySelectorAll('main svg[onload], main img[src="x"], main iframe, main object')) {
    bad.push('element ' + el.outerHTML.slice(0, 80));
  }
  return bad;
}
