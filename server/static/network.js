// The network pictures, made explorable. Without this script a picture is a group of plain links
// (actor -> its page, tie -> the pair page) under a GET form for the year; with it:
//   zoom and pan: mouse wheel and drag, two-finger pinch, the toolbar's buttons, and + - 0 and the
//                 arrow keys while the picture has focus;
//   filters:      by kind of tie (cooperative / hostile / other) and by relation, from the ontology's
//                 classification (/network/relations.json);
//   highlight:    hovering or focusing an actor lights up its ties and neighbours;
//   year:         the time control redraws the picture in place (/network.svg?year=Y), no page load.
(function () {
  "use strict";
  var TIES = ["cooperative", "hostile", "other"];
  var STEP = 1.4;          // one zoom step
  var MIN_LABEL_PX = 7.5;  // below this a label is unreadable: a narrow screen starts zoomed in

  function keyOfNode(a) {
    var m = /\/id\/([^\/.#?]+)/.exec(a.getAttribute("href") || "");
    return m ? m[1] : null;
  }
  function keysOfTie(a) {
    var m = /\/pair\/([^\/]+)\/([^\/?#]+)/.exec(a.getAttribute("href") || "");
    return m ? [m[1], m[2]] : [];
  }
  function pictureUrl(year) {
    // the picture this page shows, on its own: the home page's, or the actor's of an entity page
    var path = window.location.pathname, m = /^\/id\/([^\/.]+)(\.html)?$/.exec(path);
    var base = path === "/" ? "/network.svg" : m ? "/network/" + m[1] + ".svg" : null;
    return base && base + (year === null ? "" : "?year=" + year);
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }

  function Explorer(figure) {
    this.figure = figure;
    this.holder = figure.querySelector(".network-scroll");
    this.form = figure.querySelector("form.year-control");
    this.enabled = null;       // relation names shown, null before the filters are built
    this.pointers = {};
    figure.classList.add("interactive");
    this.adopt(this.holder.querySelector("svg.network"));
    this.buildToolbar();
    this.bindPointer();
    this.bindHighlight();
    this.bindYear();
    this.loadFilters();
  }

  // --- the picture and its view box --------------------------------------------------------------
  Explorer.prototype.adopt = function (svg) {
    this.svg = svg;
    svg.setAttribute("tabindex", "0");   // keys zoom and pan once the picture has focus
    svg.setAttribute("aria-describedby", this.helpId());
    var box = svg.viewBox.baseVal;
    this.full = { x: box.x, y: box.y, w: box.width, h: box.height };
    this.hits = false;
    if (this.view) this.show(this.view); else this.reset();
    if (this.enabled) this.applyFilter();
  };
  Explorer.prototype.addHits = function () {
    // a wide invisible stroke under each tie, so that a thin line is easy to hit: made when a pointer
    // first comes near, not while the page loads
    if (this.hits) return;
    this.hits = true;
    Array.prototype.forEach.call(this.svg.querySelectorAll(".ties path.edge"), function (path) {
      var hit = path.cloneNode(false);
      hit.setAttribute("class", "hit" + (path.classList.contains("filtered") ? " filtered" : ""));
      hit.setAttribute("aria-hidden", "true");
      path.parentNode.insertBefore(hit, path);
    });
  };
  Explorer.prototype.helpId = function () {
    if (!this.help) {
      this.help = el("p", { id: "network-help-" + Math.random().toString(36).slice(2), "class": "network-help" },
        "Drag, or the arrow keys, to move; the wheel, a pinch, or + and −, to zoom; 0 to reset.");
    }
    return this.help.id;
  };
  Explorer.prototype.reset = function () {
    var f = this.full, v = { x: f.x, y: f.y, w: f.w, h: f.h };
    // only a narrow screen needs the picture's width (reading it makes the browser lay the page out)
    var narrow = window.matchMedia("(max-width: 640px)").matches;
    var labelPx = narrow ? 12 * this.svg.clientWidth / f.w : MIN_LABEL_PX;
    if (labelPx > 0 && labelPx < MIN_LABEL_PX) {   // a phone: start close enough to read, on the centre actor
      var k = labelPx / MIN_LABEL_PX, centre = this.centre();
      v = { w: f.w * k, h: f.h * k };
      v.x = centre[0] - v.w / 2; v.y = centre[1] - v.h / 2;
    }
    this.show(v);
  };
  Explorer.prototype.centre = function () {
    // an entity page's own actor is the largest dot; else the middle of the picture
    var best = null, r = 0;
    Array.prototype.forEach.call(this.svg.querySelectorAll(".nodes circle"), function (c) {
      if (c.r.baseVal.value > r) { r = c.r.baseVal.value; best = c; }
    });
    var f = this.full;
    return best && this.figure.classList.contains("neighbourhood") ?
      [best.cx.baseVal.value, best.cy.baseVal.value] : [f.x + f.w / 2, f.y + f.h / 2];
  };
  Explorer.prototype.show = function (v) {
    var f = this.full;
    var w = Math.min(Math.max(v.w, f.w / 10), f.w * 1.5), h = w * f.h / f.w;
    var cx = v.x + v.w / 2, cy = v.y + v.h / 2;
    // keep part of the picture in sight whatever the pan
    cx = Math.min(Math.max(cx, f.x), f.x + f.w);
    cy = Math.min(Math.max(cy, f.y), f.y + f.h);
    this.view = { x: cx - w / 2, y: cy - h / 2, w: w, h: h };
    this.svg.setAttribute("viewBox", [this.view.x, this.view.y, w, h].map(function (n) { return Math.round(n * 10) / 10; }).join(" "));
    // zoomed in, a one-finger drag pans the picture; at full view it scrolls the page
    this.svg.style.touchAction = w < f.w - 1 ? "none" : "pan-y";
    if (this.zoomOut) this.zoomOut.disabled = w >= f.w * 1.5 - 1;
    if (this.zoomIn) this.zoomIn.disabled = w <= f.w / 10 + 1;
  };
  Explorer.prototype.zoom = function (factor, px, py) {
    // (px, py): the point that stays put, in picture coordinates; the view's centre by default
    var v = this.view;
    if (px === undefined) { px = v.x + v.w / 2; py = v.y + v.h / 2; }
    var w = v.w / factor, h = v.h / factor;
    this.show({ x: px - (px - v.x) / factor, y: py - (py - v.y) / factor, w: w, h: h });
  };
  Explorer.prototype.pan = function (dx, dy) {   // in fractions of the view
    var v = this.view;
    this.show({ x: v.x + dx * v.w, y: v.y + dy * v.h, w: v.w, h: v.h });
  };
  Explorer.prototype.toPicture = function (clientX, clientY) {
    var rect = this.svg.getBoundingClientRect(), v = this.view;
    // preserveAspectRatio meet: the view box is scaled by the smaller ratio and centred
    var s = Math.min(rect.width / v.w, rect.height / v.h);
    var ox = (rect.width - v.w * s) / 2, oy = (rect.height - v.h * s) / 2;
    return [v.x + (clientX - rect.left - ox) / s, v.y + (clientY - rect.top - oy) / s, s];
  };

  // --- the toolbar: buttons, filters -------------------------------------------------------------
  Explorer.prototype.buildToolbar = function () {
    var self = this, bar = el("div", { "class": "network-tools", role: "toolbar", "aria-label": "Move and zoom the network" });
    function button(label, text, action) {
      var b = el("button", { type: "button", "aria-label": label, title: label }, text);
      b.addEventListener("click", action);
      bar.appendChild(b);
      return b;
    }
    this.zoomIn = button("Zoom in", "+", function () { self.zoom(STEP); });
    this.zoomOut = button("Zoom out", "−", function () { self.zoom(1 / STEP); });
    button("Move left", "←", function () { self.pan(-0.2, 0); });
    button("Move up", "↑", function () { self.pan(0, -0.2); });
    button("Move down", "↓", function () { self.pan(0, 0.2); });
    button("Move right", "→", function () { self.pan(0.2, 0); });
    button("Reset the view", "Reset", function () { self.reset(); });
    this.tools = el("div", { "class": "network-controls" });
    this.tools.appendChild(bar);
    this.holder.parentNode.insertBefore(this.tools, this.holder);
    this.holder.parentNode.insertBefore(this.help, this.holder.nextSibling);
    this.show(this.view);
    this.svg.addEventListener("keydown", function (e) {
      var moves = { ArrowLeft: [-0.1, 0], ArrowRight: [0.1, 0], ArrowUp: [0, -0.1], ArrowDown: [0, 0.1] };
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.key === "+" || e.key === "=") self.zoom(STEP);
      else if (e.key === "-" || e.key === "_") self.zoom(1 / STEP);
      else if (e.key === "0") self.reset();
      else if (moves[e.key]) self.pan(moves[e.key][0], moves[e.key][1]);
      else return;
      e.preventDefault();
    });
  };

  Explorer.prototype.loadFilters = function () {
    var self = this;
    fetch("/network/relations.json", { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (relations) { self.buildFilters(relations); })
      .catch(function () { /* no filters: the picture still works */ });
  };
  Explorer.prototype.drawnRelations = function () {
    var names = {};
    Array.prototype.forEach.call(this.svg.querySelectorAll(".ties path.edge"), function (p) {
      (p.getAttribute("data-rel") || "").split(" ").forEach(function (n) { if (n) names[n] = true; });
    });
    return names;
  };
  Explorer.prototype.buildFilters = function (relations) {
    var self = this, here = this.drawnRelations();
    this.relations = relations;
    this.enabled = {};
    var box = el("fieldset", { "class": "network-filter" });
    box.appendChild(el("legend", {}, "Show ties"));
    var details = el("details"), list = el("div", { "class": "relations" });
    details.appendChild(el("summary", {}, "by relation"));
    this.tieBoxes = {};
    this.relationBoxes = {};
    TIES.forEach(function (tie) {
      var mine = relations.filter(function (r) { return r.tie === tie; });
      if (!mine.length) return;
      var label = el("label"), input = el("input", { type: "checkbox", "data-tie": tie });
      input.checked = true;
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + tie));
      box.appendChild(label);
      self.tieBoxes[tie] = input;
      input.addEventListener("change", function () {
        mine.forEach(function (r) { self.enabled[r.name] = input.checked; self.relationBoxes[r.name].checked = input.checked; });
        self.applyFilter();
      });
      var group = el("fieldset", { "class": "relations-" + tie });
      group.appendChild(el("legend", {}, tie));
      mine.forEach(function (r) {
        self.enabled[r.name] = true;
        var l = el("label", { "class": here[r.name] ? "" : "absent" }), i = el("input", { type: "checkbox", "data-rel": r.name });
        i.checked = true;
        l.appendChild(i);
        l.appendChild(document.createTextNode(" " + r.label));
        group.appendChild(l);
        self.relationBoxes[r.name] = i;
        i.addEventListener("change", function () { self.enabled[r.name] = i.checked; self.applyFilter(); });
      });
      list.appendChild(group);
    });
    details.appendChild(list);
    box.appendChild(details);
    this.tools.appendChild(box);
    this.applyFilter();
  };
  Explorer.prototype.applyFilter = function () {
    var self = this, linked = {};
    Array.prototype.forEach.call(this.svg.querySelectorAll(".ties path.edge, .ties path.hit"), function (p) {
      var on = (p.getAttribute("data-rel") || "").split(" ").some(function (n) { return self.enabled[n] !== false; });
      p.classList.toggle("filtered", !on);
    });
    Array.prototype.forEach.call(this.svg.querySelectorAll(".ties > a, .ties > g"), function (a) {
      var on = a.querySelector("path.edge:not(.filtered)") !== null;
      a.classList.toggle("filtered", !on);   // hidden, and so out of the tab order too
      if (on) keysOfTie(a).forEach(function (k) { linked[k] = true; });
    });
    Array.prototype.forEach.call(this.svg.querySelectorAll(".nodes a.node"), function (a) {
      a.classList.toggle("lonely", !linked[keyOfNode(a)]);
    });
    TIES.forEach(function (tie) {   // a kind's box: ticked, empty, or mixed as its relations are
      var input = self.tieBoxes && self.tieBoxes[tie];
      if (!input) return;
      var states = self.relations.filter(function (r) { return r.tie === tie; }).map(function (r) { return self.enabled[r.name]; });
      input.checked = states.every(Boolean);
      input.indeterminate = !input.checked && states.some(Boolean);
    });
  };

  // --- highlight an actor's ties -----------------------------------------------------------------
  Explorer.prototype.highlight = function (keys) {
    var svg = this.svg, on = {};
    keys.forEach(function (k) { on[k] = true; });
    svg.classList.toggle("focus-mode", keys.length > 0);
    var near = {};
    Array.prototype.forEach.call(svg.querySelectorAll(".ties > a"), function (a) {
      var ends = keysOfTie(a), hit = keys.length === 1 ? on[ends[0]] || on[ends[1]] : on[ends[0]] && on[ends[1]];
      a.classList.toggle("hi", Boolean(hit));
      if (hit) ends.forEach(function (k) { near[k] = true; });
    });
    Array.prototype.forEach.call(svg.querySelectorAll(".nodes a.node"), function (a) {
      a.classList.toggle("hi", Boolean(near[keyOfNode(a)] || on[keyOfNode(a)]));
    });
  };
  Explorer.prototype.bindHighlight = function () {
    var self = this;
    function target(e) {
      var a = e.target.closest && e.target.closest("a");
      if (!a || !self.svg.contains(a)) return [];
      return a.classList.contains("node") ? [keyOfNode(a)] : keysOfTie(a);
    }
    this.holder.addEventListener("pointerover", function (e) {
      self.addHits();
      if (e.pointerType !== "touch") self.highlight(target(e));
    });
    this.holder.addEventListener("pointerout", function (e) {
      if (!e.relatedTarget || !self.svg.contains(e.relatedTarget) || !e.relatedTarget.closest("a")) self.highlight([]);
    });
    this.holder.addEventListener("focusin", function (e) {
      self.highlight(target(e));
      var a = e.target.closest && e.target.closest("a.node");
      if (a) self.bringIntoView(a.querySelector("circle"));
    });
    this.holder.addEventListener("focusout", function () { self.highlight([]); });
  };
  Explorer.prototype.bringIntoView = function (circle) {
    // a keyboard user tabbing to an actor outside the view: move the view to it
    var x = circle.cx.baseVal.value, y = circle.cy.baseVal.value, v = this.view;
    if (x < v.x || x > v.x + v.w || y < v.y || y > v.y + v.h) this.show({ x: x - v.w / 2, y: y - v.h / 2, w: v.w, h: v.h });
  };

  // --- wheel, drag and pinch ---------------------------------------------------------------------
  Explorer.prototype.bindPointer = function () {
    var self = this, holder = this.holder, dragged = false, last = null, pinch = null;
    holder.addEventListener("wheel", function (e) {
      if (!self.svg.contains(e.target)) return;
      var out = e.deltaY > 0, f = self.full;
      // at full view a scroll down goes on scrolling the page
      if (out && self.view.w >= f.w - 1) return;
      e.preventDefault();
      var p = self.toPicture(e.clientX, e.clientY);
      self.zoom(Math.exp(-Math.max(-100, Math.min(100, e.deltaY)) * 0.003), p[0], p[1]);
    }, { passive: false });
    holder.addEventListener("pointerdown", function (e) {
      self.addHits();
      if (!self.svg.contains(e.target) || (e.pointerType === "mouse" && e.button !== 0)) return;
      self.pointers[e.pointerId] = [e.clientX, e.clientY];
      dragged = false;
      last = [e.clientX, e.clientY];
      pinch = null;
    });
    holder.addEventListener("pointermove", function (e) {
      if (!self.pointers[e.pointerId]) return;
      self.pointers[e.pointerId] = [e.clientX, e.clientY];
      var ids = Object.keys(self.pointers);
      if (ids.length === 2) {   // two fingers: zoom about their middle
        var a = self.pointers[ids[0]], b = self.pointers[ids[1]];
        var d = Math.hypot(a[0] - b[0], a[1] - b[1]), mid = self.toPicture((a[0] + b[0]) / 2, (a[1] + b[1]) / 2);
        if (pinch && d > 0) self.zoom(d / pinch, mid[0], mid[1]);
        pinch = d;
        dragged = true;
        return;
      }
      if (ids.length !== 1 || !last) return;
      var dx = e.clientX - last[0], dy = e.clientY - last[1];
      if (!dragged && Math.hypot(dx, dy) < 4) return;   // a click, not yet a drag
      if (!dragged) { dragged = true; try { self.svg.setPointerCapture(e.pointerId); } catch (err) { /* gone */ } }
      var s = self.toPicture(0, 0)[2], v = self.view;
      self.show({ x: v.x - dx / s, y: v.y - dy / s, w: v.w, h: v.h });
      last = [e.clientX, e.clientY];
      self.svg.classList.add("dragging");
    });
    function end(e) {
      delete self.pointers[e.pointerId];
      pinch = null;
      last = null;
      self.svg.classList.remove("dragging");
    }
    holder.addEventListener("pointerup", end);
    holder.addEventListener("pointercancel", end);
    // a drag that ends over a link must not follow it
    holder.addEventListener("click", function (e) {
      if (dragged) { e.preventDefault(); e.stopPropagation(); dragged = false; }
    }, true);
  };

  // --- the year, redrawn in place ----------------------------------------------------------------
  Explorer.prototype.bindYear = function () {
    var self = this, form = this.form;
    if (!form || !pictureUrl(null)) return;
    var input = form.querySelector("input[type=range]"), output = form.querySelector("output");
    var all = form.querySelector("a"), timer = null;
    var caption = this.figure.querySelector("figcaption"), shown = caption && caption.querySelector(".network-shown");
    if (caption && !shown) { shown = el("span", { "class": "network-shown" }); caption.appendChild(document.createTextNode(" ")); caption.appendChild(shown); }
    if (shown) shown.setAttribute("aria-live", "polite");
    this.shown = shown;
    input.addEventListener("input", function () {
      output.textContent = input.value;
      clearTimeout(timer);
      timer = setTimeout(function () { self.load(input.value); }, 250);
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); self.load(input.value); });
    if (all) all.addEventListener("click", function (e) {
      e.preventDefault();
      clearTimeout(timer);
      input.value = input.max;
      output.textContent = "all years";
      self.load(null);
    });
  };
  Explorer.prototype.load = function (year) {
    var self = this, url = pictureUrl(year), asked = (this.asked || 0) + 1;
    this.asked = asked;
    this.figure.setAttribute("aria-busy", "true");
    fetch(url, { headers: { Accept: "image/svg+xml" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (text) {
        if (asked !== self.asked) return;   // a later year was asked for meanwhile
        var parsed = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
        if (parsed.nodeName !== "svg") throw new Error("not a picture");
        var svg = document.importNode(parsed, true), old = self.svg;
        old.parentNode.replaceChild(svg, old);
        self.adopt(svg);
        if (self.shown) self.shown.textContent = svg.getAttribute("data-shown") || "";
        var all = self.form.querySelector("a");
        if (all) all.hidden = year === null;
        self.form.querySelector("output").textContent = year === null ? "all years" : year;
        var query = year === null ? "" : "?year=" + year;
        window.history.replaceState(null, "", window.location.pathname + query + window.location.hash);
      })
      .catch(function () {   // the server could not draw it here: load the page for that year instead
        if (asked === self.asked) self.form.submit();
      })
      .then(function () { if (asked === self.asked) self.figure.removeAttribute("aria-busy"); });
  };

  document.querySelectorAll("figure").forEach(function (figure) {
    if (figure.querySelector(".network-scroll svg.network") && window.fetch && window.DOMParser) new Explorer(figure);
  });
})();
