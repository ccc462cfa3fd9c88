// The reveal animations of the pages for people (served as a file: the pages' CSP allows no inline
// script): a red packet, a scratch card or a wheel that uncovers a result the server already decided.
// The result card is filled first; the cover only hides it until the animation ends. The wheel comes to
// rest on the prize the server drew (the "thanks" segment for no prize); it never chooses. With
// prefers-reduced-motion there is no animation: the result shows at once.
// Used by the scan page (landing.js), the check-in and draw pages (draw.js) and the ticket page (ticket.js).
(function () {
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }

  var WHEEL_COLOURS = ['#c8102e', '#f5c242', '#e8553e', '#ffe08a'];

  // One segment per prize a draw can give (view.prizes[id].wheel: a set's prize or a shop's prize never
  // comes out of a draw) and one "thanks" segment, repeated up to six or more so it reads as a wheel;
  // names are text. It turns clockwise under a pointer at the top.
  function wheelOf(stage, view, won, thanks) {
    var prizes = view.prizes || {};
    var base = Object.keys(prizes).filter(function (id) { return prizes[id].wheel !== false; }).map(function (id) { return { id: id, name: prizes[id].name }; });
    base.push({ id: '', name: thanks });
    var segs = [];
    while (segs.length < 6 || segs.length < base.length) segs = segs.concat(base);
    var n = segs.length, step = 360 / n;
    var target = -1;
    for (var i = 0; i < n; i++) if (segs[i].id === (won || '')) { target = i; break; }
    if (target < 0) return null; // a prize the page does not know of: no wheel rather than a wrong stop
    var box = el('div', 'wheel-box'), disc = el('div', 'wheel'), stops = [];
    disc.id = 'wheel';
    for (var k = 0; k < n; k++) {
      var c = WHEEL_COLOURS[k % (n % 2 === 0 ? 4 : 3)];
      stops.push(c + ' ' + (k * step) + 'deg ' + ((k + 1) * step) + 'deg');
      var label = el('span', 'wheel-label', segs[k].name);
      label.style.transform = 'translate(-50%,-50%) rotate(' + ((k + 0.5) * step) + 'deg) translateY(-4.6rem)';
      label.title = segs[k].name;
      disc.appendChild(label);
    }
    disc.style.background = 'conic-gradient(' + stops.join(',') + ')';
    box.appendChild(el('div', 'wheel-pointer'));
    box.appendChild(disc);
    // five turns, then the target segment's middle (a little off it, as a real wheel would rest)
    var rest = 5 * 360 + (360 - (target + 0.5) * step) + step * 0.2;
    function spin(then) {
      var finished = false;
      function end() {
        if (finished) return; finished = true;
        // the fallback below may fire while a slow or busy phone is still turning the wheel: it is set at
        // its resting angle at once, so that it never comes to rest anywhere but on the server's result
        disc.style.transition = 'none';
        disc.style.transform = 'rotate(' + rest + 'deg)';
        // which segment the pointer is over, read back from where the wheel actually came to rest
        var m = getComputedStyle(disc).transform.match(/matrix\(([^,]+),\s*([^,]+)/);
        var angle = m ? ((Math.atan2(parseFloat(m[2]), parseFloat(m[1])) * 180 / Math.PI) + 360) % 360 : rest % 360;
        var under = segs[Math.floor(((360 - angle) % 360) / step)];
        stage.setAttribute('data-wheel-angle', angle.toFixed(1));
        stage.setAttribute('data-wheel-stop', under.id);
        stage.setAttribute('data-wheel-label', under.name);
        then();
      }
      disc.addEventListener('transitionend', end);
      setTimeout(end, 4500); // a tab in the background may never fire transitionend
      // two frames: the start angle must be laid out before the end angle, or nothing transitions
      requestAnimationFrame(function () { requestAnimationFrame(function () { disc.style.transform = 'rotate(' + rest + 'deg)'; }); });
    }
    return { box: box, spin: spin };
  }

  /**
   * Shows `card` (already filled with the result) inside `stage` through the view's animation.
   * `won`: the prize id the server drew, null for no prize. `words`: {thanks, tap: {kind: text}}.
   * `done` (optional) runs once the result is uncovered.
   */
  window.scanlotReveal = function (stage, card, view, won, words, done) {
    var kind = view.animation;
    var reduced = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    ['data-wheel-angle', 'data-wheel-stop', 'data-wheel-label'].forEach(function (a) { stage.removeAttribute(a); });
    var old = document.getElementById('cover');
    if (old && old.parentNode) old.parentNode.removeChild(old);
    card.hidden = false;
    if (!kind || kind === 'plain' || reduced) { if (done) done(); return; }
    var cover = el('div', 'cover cover-' + kind); cover.id = 'cover';
    var wheel = kind === 'wheel' ? wheelOf(stage, view, won, words.thanks) : null;
    if (wheel) cover.appendChild(wheel.box); else cover.appendChild(el('div', 'cover-art'));
    cover.appendChild(el('p', 'cover-text', words.tap[kind] || ''));
    stage.appendChild(cover);
    var opened = false;
    function open() {
      if (opened) return; opened = true;
      cover.classList.add('opening');
      setTimeout(function () { if (cover.parentNode) cover.parentNode.removeChild(cover); if (done) done(); }, 600);
    }
    // the stage makes room for the wheel while it turns, whatever the size of the card beneath
    if (wheel) { stage.classList.add('wheeling'); wheel.spin(function () { setTimeout(function () { stage.classList.remove('wheeling'); open(); }, 700); }); return; }
    cover.addEventListener('click', open);
    setTimeout(open, 1200);
  };
})();
