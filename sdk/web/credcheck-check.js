/*!
 * CredCheck drop-in check for legacy web forms: <credcheck-check>.
 *
 * One script tag, no build step for the integrator:
 *   <script src="https://credcheck.example/sdk/credcheck-check.js"></script>
 *   <input id="bidder-code" name="bidderCode">
 *   <credcheck-check for="bidder-code" scenario="gov-procurement" name="receipt" key="cck_…"></credcheck-check>
 *
 * Written by hand as ES5 on purpose: a browser too old for custom elements must still be able to
 * parse this file, or it could not show its fallback. Chromium >= 67, Firefox >= 63, Safari >= 12.1
 * and Edge >= 79 get the live badge; older browsers (IE 11, old Edge) get a plain text notice that
 * the automatic check is unavailable and the element's own children, if the page gives any.
 * The code checks mirror sdk/src/identifiers (GB 32100 / GB 11643 check characters); a test keeps
 * them in step.
 */
(function (root) {
  // ---- Codes: the client-side check that spares the API a request for a mistyped code ----

  var USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  var USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  var ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var ID_CHECK_CHARS = '10X98765432';

  /** Full width to ASCII, upper case, and spaces, dashes and zero-width marks dropped. */
  function cleanCode(raw) {
    var out = '';
    var s = String(raw == null ? '' : raw);
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
      if (c >= 97 && c <= 122) c -= 32;
      if (c <= 32 || c === 0x2d || c === 0xa0 || c === 0xad || c === 0x3000 || c === 0xfeff) continue;
      if ((c >= 0x2000 && c <= 0x200f) || c === 0x2212) continue;
      out += String.fromCharCode(c);
    }
    return out;
  }

  /** 'uscc' or 'id' when the cleaned code has a valid check character, else null. */
  function codeKind(code) {
    if (code.length !== 18) return null;
    var sum = 0;
    var i;
    var v;
    for (i = 0; i < 17; i++) {
      v = USCC_CHARSET.indexOf(code.charAt(i));
      if (v < 0) break;
      sum += v * USCC_WEIGHTS[i];
    }
    if (i === 17 && USCC_CHARSET.indexOf(code.charAt(17)) === (31 - (sum % 31)) % 31) return 'uscc';
    sum = 0;
    for (i = 0; i < 17; i++) {
      v = code.charCodeAt(i) - 48;
      if (v < 0 || v > 9) return null;
      sum += v * ID_WEIGHTS[i];
    }
    return ID_CHECK_CHARS.charAt(sum % 11) === code.charAt(17) ? 'id' : null;
  }

  // ---- Badge language: the same words and colours as the browser extension ----

  var STATUS = {
    black: { zh: '失信', en: 'black-listed', fg: '#fff', bg: '#1f1f1f' },
    suspended: { zh: '异议中', en: 'suspended', fg: '#5c3c00', bg: '#ffe7a3' },
    red: { zh: '守信', en: 'red-listed', fg: '#fff', bg: '#c62828' },
    expired: { zh: '曾列入', en: 'expired', fg: '#37474f', bg: '#eceff1' },
    clean: { zh: '未见名单', en: 'not listed', fg: '#2e5e32', bg: '#edf5ee' },
    invalid: { zh: '代码无效', en: 'invalid code', fg: '#8a1c1c', bg: '#fdecea' },
    unavailable: { zh: '查询不可用', en: 'check unavailable', fg: '#8a1c1c', bg: '#fff4e5' },
    checking: { zh: '查询中', en: 'checking', fg: '#455a64', bg: '#f5f5f5' },
    idle: { zh: '待查询', en: 'enter a code', fg: '#455a64', bg: '#f5f5f5' },
  };
  var OUTCOME = {
    block: { zh: '禁止', en: 'block' },
    review: { zh: '审查', en: 'review' },
    favour: { zh: '守信', en: 'favour' },
    clear: { zh: '未见名单', en: 'clear' },
  };
  var RANK = { black: 5, suspended: 4, red: 3, expired: 2, clean: 1 };

  var CSS =
    ':host{display:inline-block;font:13px/1.4 "Microsoft YaHei","PingFang SC",sans-serif;vertical-align:middle}' +
    '.b{display:inline-block;padding:1px 6px;border:1px solid transparent;border-radius:3px}' +
    '.b.name{background:transparent!important;border-style:dashed;border-color:currentColor}' +
    '.o{margin-left:4px;font-weight:bold}.d{margin-left:6px;color:#555}';

  // ---- The element ----

  var currentScript = root.document && root.document.currentScript;
  /** The API the script was served by, unless the element names another with api="…". */
  var scriptOrigin = '';
  if (currentScript && currentScript.src) {
    var m = /^(https?:\/\/[^/]+)/.exec(currentScript.src);
    if (m) scriptOrigin = m[1];
  }

  function supported() {
    return (
      typeof root.customElements === 'object' &&
      typeof root.Reflect === 'object' &&
      typeof root.HTMLElement === 'function' &&
      typeof root.HTMLElement.prototype.attachShadow === 'function'
    );
  }

  function CredcheckCheck() {
    var self = root.Reflect.construct(root.HTMLElement, [], CredcheckCheck);
    self._seq = 0;
    self._timer = null;
    self._last = null;
    self._field = null;
    self._source = null;
    self._nameSource = null;
    self._onInput = function () {
      self._schedule();
    };
    return self;
  }

  function defineElement() {
    CredcheckCheck.prototype = Object.create(root.HTMLElement.prototype);
    CredcheckCheck.prototype.constructor = CredcheckCheck;
    Object.setPrototypeOf(CredcheckCheck, root.HTMLElement);
    Object.defineProperty(CredcheckCheck, 'observedAttributes', {
      get: function () {
        return ['code', 'subject-name', 'scenario', 'for', 'name-for', 'reference'];
      },
    });
    var p = CredcheckCheck.prototype;

    p.connectedCallback = function () {
      if (!this.shadowRoot) {
        var shadow = this.attachShadow({ mode: 'open' });
        var style = document.createElement('style');
        style.textContent = CSS;
        this._badge = document.createElement('span');
        this._badge.className = 'b';
        this._statusText = document.createElement('span');
        this._outcomeText = document.createElement('span');
        this._outcomeText.className = 'o';
        this._badge.appendChild(this._statusText);
        this._badge.appendChild(this._outcomeText);
        this._detail = document.createElement('span');
        this._detail.className = 'd';
        var live = document.createElement('span');
        live.setAttribute('role', 'status');
        live.setAttribute('aria-live', 'polite');
        live.appendChild(this._badge);
        live.appendChild(this._detail);
        shadow.appendChild(style);
        shadow.appendChild(live);
      }
      this._bind();
      this._refresh();
      if (document.readyState === 'loading' && (this.getAttribute('for') || this.getAttribute('name-for'))) {
        // Placed before the inputs it follows: look for them again once the form has been parsed.
        var self = this;
        document.addEventListener('DOMContentLoaded', function () {
          self._bind();
          self._refresh();
        });
      }
    };

    p.disconnectedCallback = function () {
      this._unbind();
      if (this._timer) clearTimeout(this._timer);
    };

    p.attributeChangedCallback = function (attr) {
      if (!this.shadowRoot) return;
      if (attr === 'for' || attr === 'name-for') this._bind();
      this._schedule();
    };

    /** Follows the inputs named by for="…" and name-for="…". */
    p._bind = function () {
      this._unbind();
      this._source = idRef(this.getAttribute('for'));
      this._nameSource = idRef(this.getAttribute('name-for'));
      var inputs = [this._source, this._nameSource];
      for (var i = 0; i < inputs.length; i++) {
        if (!inputs[i]) continue;
        inputs[i].addEventListener('input', this._onInput);
        inputs[i].addEventListener('change', this._onInput);
      }
    };

    p._unbind = function () {
      var inputs = [this._source, this._nameSource];
      for (var i = 0; i < inputs.length; i++) {
        if (!inputs[i]) continue;
        inputs[i].removeEventListener('input', this._onInput);
        inputs[i].removeEventListener('change', this._onInput);
      }
    };

    p._schedule = function () {
      var self = this;
      if (this._timer) clearTimeout(this._timer);
      var wait = parseInt(this.getAttribute('debounce') || '', 10);
      this._timer = setTimeout(
        function () {
          self._timer = null;
          self._refresh();
        },
        wait >= 0 ? wait : 400
      );
    };

    /** Starts a check for what the form holds now, unless that was already checked. */
    p.refresh = function () {
      this._last = null;
      this._refresh();
    };

    p._refresh = function () {
      var raw = this._source ? this._source.value : this.getAttribute('code');
      var name = (this._nameSource ? this._nameSource.value : this.getAttribute('subject-name')) || '';
      name = name.replace(/^\s+|\s+$/g, '');
      var code = cleanCode(raw);
      var scenario = this.getAttribute('scenario') || '';
      var key = code + '\n' + name + '\n' + scenario + '\n' + (this.getAttribute('reference') || '');
      if (key === this._last) return;
      this._last = key;
      // A receipt belongs to the code it was made for: never leave one behind for a new code.
      this._setReceipt('');
      var seq = ++this._seq;
      if (!code && !name) return this._show({ status: 'idle' });
      if (code && !codeKind(code)) {
        return this._show({
          status: 'invalid',
          detail: code + '：校验位不符 / check character does not match',
        });
      }
      if (!scenario) return this._show({ status: 'unavailable', cause: 'no scenario attribute' });
      this._show({ status: 'checking' });
      var subject = {};
      if (code) subject.code = code;
      if (name) subject.name = name;
      var body = { scenario: scenario, subject: subject };
      if (this.getAttribute('reference')) body.reference = this.getAttribute('reference');
      var self = this;
      request(this, body, function (err, status, data) {
        if (seq !== self._seq) return; // the form moved on; a late answer must not overwrite it
        self._answer(err, status, data, code);
      });
    };

    p._answer = function (err, httpStatus, d, code) {
      if (err) return this._show({ status: 'unavailable', cause: err });
      if (httpStatus === 400 && d && /invalid-code/.test(String(d.type))) {
        return this._show({ status: 'invalid', detail: code + '：' + (d.detailZh || d.detail || '') });
      }
      if (httpStatus !== 200 || !d || typeof d.id !== 'string' || !OUTCOME[d.outcome]) {
        var why = d && (d.detail || d.title) ? d.detail || d.title : 'HTTP ' + httpStatus;
        return this._show({ status: 'unavailable', cause: why });
      }
      var identity = d.identity || {};
      var match = identity.matchedBy || 'code';
      var status = d.status;
      var detail = d.subject && d.subject.name ? d.subject.name : '';
      if (match === 'name' || match === 'none') {
        // A name is never an identity: show the worst open candidate as a possible match (疑似).
        status = 'clean';
        var candidates = identity.candidates || [];
        for (var i = 0; i < candidates.length; i++) {
          var c = candidates[i];
          if (c.clearance || !(RANK[c.status] > RANK[status])) continue;
          status = c.status;
          detail = c.name + '（' + (c.code || c.subjectId) + '）请以代码核实 / confirm by code';
        }
      }
      if (!STATUS[status]) status = d.outcome === 'block' ? 'black' : 'clean';
      if (d.measures && d.measures.length) {
        detail += (detail ? '：' : '') + d.measures.length + ' 项措施 / measures';
      }
      if (identity.consistent === false)
        detail += (detail ? '；' : '') + '名称与代码不符 / name does not match';
      this._setReceipt(d.id);
      this._show({ status: status, outcome: d.outcome, match: match, id: d.id, detail: detail });
      this._emit('credcheck-decision', {
        id: d.id,
        outcome: d.outcome,
        status: status,
        match: match,
        receipt: d.receipt,
      });
    };

    /** Renders a state with text nodes only, and mirrors it on the host for scripts and tests. */
    p._show = function (s) {
      var look = STATUS[s.status];
      var nameOnly = s.match === 'name' && s.status !== 'clean';
      this.setAttribute('data-status', s.status);
      setOrRemove(this, 'data-outcome', s.outcome);
      setOrRemove(this, 'data-match', s.match);
      setOrRemove(this, 'data-decision', s.id);
      setOrRemove(this, 'data-cause', s.cause);
      this._badge.className = nameOnly ? 'b name' : 'b';
      // A possible match is outlined in the status colour, never the solid badge of a code hit.
      this._badge.style.color = nameOnly && (s.status === 'black' || s.status === 'red') ? look.bg : look.fg;
      this._badge.style.backgroundColor = look.bg;
      this._statusText.textContent = (nameOnly ? '疑似' : '') + look.zh + ' ' + look.en;
      var outcome = s.outcome ? OUTCOME[s.outcome] : null;
      // 守信 · 守信 or 未见名单 · 未见名单 would say it twice: the outcome then shows in English only.
      var outcomeText = outcome ? (outcome.zh === look.zh ? '' : outcome.zh + ' ') + outcome.en : '';
      this._outcomeText.textContent = outcomeText ? ' · ' + outcomeText : '';
      this._detail.textContent = s.detail || (s.cause ? '请人工核查 / check manually (' + s.cause + ')' : '');
      if (s.status === 'unavailable') this._emit('credcheck-unavailable', { cause: s.cause || '' });
    };

    /** The hidden field the approval record keeps: the integrator's own, or one made here. */
    p._setReceipt = function (value) {
      var fieldName = this.getAttribute('name');
      if (!fieldName) return;
      if (!this._field || this._field.name !== fieldName) {
        var form = this.closest ? this.closest('form') : null;
        var existing = form && form.elements ? form.elements.namedItem(fieldName) : null;
        if (existing && existing.tagName === 'INPUT') this._field = existing;
        else {
          this._field = document.createElement('input');
          this._field.type = 'hidden';
          this._field.name = fieldName;
          this.appendChild(this._field);
        }
      }
      this._field.value = value;
    };

    p._emit = function (type, detail) {
      var ev;
      try {
        ev = new CustomEvent(type, { detail: detail, bubbles: true });
      } catch (_e) {
        return;
      }
      this.dispatchEvent(ev);
    };

    root.customElements.define('credcheck-check', CredcheckCheck);
  }

  function idRef(id) {
    return id ? document.getElementById(id) : null;
  }

  function setOrRemove(el, attr, value) {
    if (value) el.setAttribute(attr, value);
    else el.removeAttribute(attr);
  }

  /** POST /v1/decisions; calls back (error, httpStatus, parsedBody). XHR for its built-in timeout. */
  function request(el, body, done) {
    var base = (el.getAttribute('api') || scriptOrigin || '').replace(/\/+$/, '');
    var xhr = new XMLHttpRequest();
    var finished = false;
    function finish(err, status, data) {
      if (finished) return;
      finished = true;
      done(err, status, data);
    }
    try {
      xhr.open('POST', base + '/v1/decisions', true);
      xhr.setRequestHeader('Content-Type', 'application/json');
      var key = el.getAttribute('key');
      if (key) xhr.setRequestHeader('Authorization', 'Bearer ' + key);
      var timeout = parseInt(el.getAttribute('timeout') || '', 10);
      xhr.timeout = timeout > 0 ? timeout : 10000;
    } catch (e) {
      return finish('cannot reach the API: ' + (e && e.message));
    }
    xhr.onload = function () {
      var data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch (_e) {
        data = null;
      }
      finish(null, xhr.status, data);
    };
    xhr.onerror = function () {
      finish('cannot reach the API');
    };
    xhr.ontimeout = function () {
      finish('the API did not answer in time');
    };
    xhr.send(JSON.stringify(body));
  }

  /** Old browsers: say plainly that no automatic check happened, and never imply a clear result. */
  function fallback() {
    var doc = root.document;
    if (!doc || !doc.getElementsByTagName) return;
    function mark() {
      var els = doc.getElementsByTagName('credcheck-check');
      for (var i = 0; i < els.length; i++) {
        var el = els[i];
        if (el.getAttribute('data-status') === 'unavailable') continue;
        el.setAttribute('data-status', 'unavailable');
        el.setAttribute('data-cause', 'browser not supported');
        el.setAttribute('role', 'status');
        var note = doc.createElement('span');
        note.style.cssText = 'padding:1px 6px;border:1px solid #8a1c1c;color:#8a1c1c;background:#fff4e5';
        note.appendChild(
          doc.createTextNode(
            '查询不可用：本浏览器不支持自动核查，请人工核查 / check unavailable in this browser: check manually'
          )
        );
        el.insertBefore(note, el.firstChild);
      }
    }
    if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', mark);
    else mark();
  }

  var exported = { cleanCode: cleanCode, codeKind: codeKind, STATUS: STATUS, OUTCOME: OUTCOME };
  if (typeof module === 'object' && module && module.exports) module.exports = exported;
  if (!root.document) return;
  if (supported()) {
    if (!root.customElements.get('credcheck-check')) defineElement();
  } else fallback();
})(typeof window !== 'undefined' ? window : this);
