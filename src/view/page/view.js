// rewardkit view: the page's script. Reads the viewer's JSON API (same origin), builds the row list or the prompt
// pairs, and a row's detail. Plain DOM, no framework, no build step; every value from a file is set as text, never
// as HTML. <html data-state> says what the page last finished rendering (for the browser tests).
(function () {
  'use strict';

  // `request` numbers each fetch of the list or the detail: an answer to an older one (the filter changed since) is dropped
  var state = { meta: null, tab: null, offset: 0, limit: 100, matched: 0, selected: null, listRequest: 0, detailRequest: 0 };

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === 'text') node.textContent = attributes.text;
      else node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function number(value) {
    return value === null || value === undefined ? '—' : Number(value).toFixed(3);
  }

  function signed(value) {
    return value === null || value === undefined ? '—' : (value > 0 ? '+' : '') + Number(value).toFixed(3);
  }

  function done(what) {
    document.documentElement.setAttribute('data-state', what);
  }

  function getJson(url) {
    return fetch(url).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body && body.error ? body.error.message : 'HTTP ' + response.status);
        return body;
      });
    });
  }

  function showProblem(error) {
    var problem = $('problem');
    problem.hidden = false;
    problem.textContent = String(error.message || error);
    done('error');
  }

  // ---- the list ------------------------------------------------------------------------------------------------

  function formQuery(form) {
    var parameters = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && field.value !== '') parameters.set(field.name, field.value);
    });
    return parameters;
  }

  function currentSide() {
    return state.tab === 'pairs' ? null : state.tab;
  }

  function loadList() {
    $('problem').hidden = true;
    var pairs = state.tab === 'pairs';
    var parameters = formQuery($(pairs ? 'pair-filters' : 'row-filters'));
    if (!pairs && state.meta.mode === 'compare') parameters.set('side', state.tab);
    parameters.set('offset', String(state.offset));
    parameters.set('limit', String(state.limit));
    var request = ++state.listRequest;
    return getJson((pairs ? '/api/pairs?' : '/api/rows?') + parameters.toString())
      .then(function (page) {
        if (request !== state.listRequest) return;
        state.matched = page.matched;
        var last = Math.min(page.offset + state.limit, page.matched);
        $('count').textContent =
          page.matched +
          ' of ' +
          page.total +
          (pairs ? ' prompts' : ' rows') +
          (page.matched > 0 ? ' · showing ' + (page.offset + 1) + '–' + last : '');
        $('previous').disabled = page.offset === 0;
        $('next').disabled = last >= page.matched;
        if (pairs) renderPairs(page.pairs);
        else renderRows(page.rows);
        done('list');
      })
      .catch(showProblem);
  }

  function sideMeta(name) {
    return state.meta.sides.filter(function (side) {
      return side.name === name;
    })[0];
  }

  function renderRows(rows) {
    var components = sideMeta(currentSide()).components;
    var head = el('tr', {}, [
      el('th', { text: 'line' }),
      el('th', { text: 'id' }),
      el('th', { text: 'reward' }),
      el('th', { text: 'flags' }),
    ]);
    components.forEach(function (name) {
      head.appendChild(el('th', { text: name }));
    });
    var body = el('tbody');
    rows.forEach(function (row) {
      var byName = {};
      row.components.forEach(function (component) {
        byName[component.name] = component;
      });
      var tr = el('tr', { 'data-n': String(row.n) }, [
        el('td', { class: 'num', text: String(row.line) }),
        el('td', { text: row.id }),
        el('td', { class: 'num reward', text: number(row.reward) }),
        el(
          'td',
          {},
          row.flags.map(function (flag) {
            return el('span', { class: 'flag', text: flag });
          }),
        ),
      ]);
      components.forEach(function (name) {
        var component = byName[name];
        tr.appendChild(
          component
            ? el('td', {
                class: 'num status-' + component.status,
                title: component.status,
                text: component.score === null ? component.status : number(component.score),
              })
            : el('td', { class: 'num', text: '' }),
        );
      });
      if (state.selected === row.n) tr.className = 'selected';
      tr.addEventListener('click', function () {
        openRow(row.n, tr);
      });
      body.appendChild(tr);
    });
    var table = $('list');
    table.replaceChildren(el('thead', {}, [head]), body);
  }

  function renderPairs(pairs) {
    var head = el(
      'tr',
      {},
      ['#', 'id', 'status', 'before', 'after', 'delta', 'rows'].map(function (text) {
        return el('th', { text: text });
      }),
    );
    var body = el('tbody');
    pairs.forEach(function (pair) {
      var tr = el('tr', { 'data-k': String(pair.k) }, [
        el('td', { class: 'num', text: String(pair.k) }),
        el('td', { text: pair.id }),
        el('td', { text: pair.status.replace('_', ' ') }),
        el('td', { class: 'num', text: number(pair.before_mean) }),
        el('td', { class: 'num', text: number(pair.after_mean) }),
        el('td', { class: 'num delta ' + (pair.delta > 0 ? 'good' : pair.delta < 0 ? 'bad' : ''), text: signed(pair.delta) }),
        el('td', { class: 'num', text: pair.before_rows.length + ' / ' + pair.after_rows.length }),
      ]);
      if (state.selected === pair.k) tr.className = 'selected';
      tr.addEventListener('click', function () {
        openPair(pair.k, tr);
      });
      body.appendChild(tr);
    });
    $('list').replaceChildren(el('thead', {}, [head]), body);
  }

  function select(tr) {
    Array.prototype.forEach.call(document.querySelectorAll('#list tbody tr.selected'), function (row) {
      row.className = '';
    });
    if (tr) tr.className = 'selected';
  }

  // ---- a row's detail -----------------------------------------------------------------------------------------

  function openRow(n, tr) {
    state.selected = n;
    select(tr);
    var side = currentSide();
    var query = state.meta.mode === 'compare' ? '?side=' + encodeURIComponent(side) : '';
    var request = ++state.detailRequest;
    return getJson('/api/rows/' + n + query)
      .then(function (detail) {
        if (request !== state.detailRequest) return;
        $('detail-empty').hidden = true;
        $('detail').replaceChildren(rowDetail(detail));
        done('detail');
      })
      .catch(showProblem);
  }

  // A prompt's rows come a page at a time (the server's rows_per_page a side, from `offset`): a group larger than a
  // page gets previous / next rows buttons, which move both sides together.
  function openPair(k, tr, offset) {
    offset = offset || 0;
    state.selected = k;
    if (tr !== undefined) select(tr);
    var request = ++state.detailRequest;
    return getJson('/api/pairs/' + k + (offset > 0 ? '?offset=' + offset : ''))
      .then(function (body) {
        if (request !== state.detailRequest) return;
        var pair = body.pair;
        var size = body.rows_per_page;
        var most = Math.max(pair.before_rows.length, pair.after_rows.length);
        var column = function (title, details, rows) {
          var children = [el('h2', { text: title })];
          if (rows.length === 0) children.push(el('p', { class: 'reason', text: 'no row of this prompt on this side' }));
          else if (details.length === 0)
            children.push(el('p', { class: 'meta shown', text: 'all ' + rows.length + ' rows shown on earlier pages' }));
          else if (rows.length > details.length)
            children.push(
              el('p', { class: 'meta shown', text: 'rows ' + (offset + 1) + '–' + (offset + details.length) + ' of ' + rows.length }),
            );
          details.forEach(function (detail) {
            children.push(rowDetail(detail));
          });
          return el('div', { class: 'side side-' + title }, children);
        };
        var pager = null;
        if (most > size) {
          var previous = el('button', { type: 'button', id: 'pair-previous', text: 'previous rows' });
          var next = el('button', { type: 'button', id: 'pair-next', text: 'next rows' });
          previous.disabled = offset === 0;
          next.disabled = offset + size >= most;
          previous.addEventListener('click', function () {
            openPair(k, undefined, Math.max(0, offset - size));
          });
          next.addEventListener('click', function () {
            openPair(k, undefined, offset + size);
          });
          pager = el('p', { class: 'pager pair-pager' }, [previous, ' ', next]);
        }
        $('detail-empty').hidden = true;
        $('detail').replaceChildren.apply(
          $('detail'),
          [
            el('h2', {
              class: 'pair-title',
              text: 'Prompt ' + pair.id + ' · ' + pair.status.replace('_', ' ') + ' · delta ' + signed(pair.delta),
            }),
            pager,
            el('div', { class: 'columns' }, [
              column('before', body.before, pair.before_rows),
              column('after', body.after, pair.after_rows),
            ]),
          ].filter(Boolean),
        );
        done('pair');
      })
      .catch(showProblem);
  }

  function pre(text, className) {
    return el('pre', className ? { class: className } : {}, [String(text)]);
  }

  function facts(pairs) {
    var list = el('dl');
    pairs.forEach(function (pair) {
      if (pair[1] === undefined || pair[1] === null || pair[1] === '') return;
      list.appendChild(el('dt', { text: pair[0] }));
      list.appendChild(el('dd', { text: String(pair[1]) }));
    });
    return list;
  }

  function rowDetail(detail) {
    var record = detail.record;
    var card = el('article', { class: 'card row-detail', 'data-n': String(detail.n) });
    card.appendChild(el('h2', { class: 'row-title', text: 'Row ' + record.id + ' · reward ' + number(record.reward) }));
    card.appendChild(
      facts([
        ['scored line', detail.line],
        ['input line', record.line],
        ['flags', (record.flags || []).join(', ')],
        ['gated by', record.gated_by],
        ['neutral', record.neutral ? 'yes (a judge failed: the neutral fallback reward)' : ''],
        ['spec hash', record.spec_hash],
        ['row error', record.error ? record.error.field + ': ' + record.error.message : ''],
      ]),
    );
    var input = detail.input;
    if (input && input.error === undefined) {
      if (input.system) card.appendChild(el('h3', { text: 'System prompt' }));
      if (input.system) card.appendChild(pre(input.system, 'system'));
      card.appendChild(el('h3', { text: 'Prompt' }));
      card.appendChild(pre(input.prompt, 'prompt'));
      if (input.context) card.appendChild(el('h3', { text: 'Tool turns' }));
      if (input.context) card.appendChild(pre(input.context, 'context'));
      card.appendChild(el('h3', { text: 'Response' }));
      card.appendChild(pre(input.response, 'response'));
    } else if (input) {
      card.appendChild(el('p', { class: 'bad', text: 'input line ' + input.line + ' could not be read: ' + input.error }));
      card.appendChild(pre(input.text));
    }
    if (detail.input_reason) card.appendChild(el('p', { class: 'reason input-reason', text: detail.input_reason }));
    var prompts = detail.prompts || [];
    var used = {};
    (record.components || []).forEach(function (component) {
      card.appendChild(componentDetail(component, prompts, used));
    });
    var unsent = prompts.filter(function (prompt, index) {
      return !used[index];
    });
    if (unsent.length > 0) {
      var section = el('section', { class: 'unsent' }, [
        el('h3', { text: 'Judge prompts no call of this row sent (gated, skipped or from the cache of another row)' }),
      ]);
      unsent.forEach(function (prompt) {
        section.appendChild(renderedPrompt(prompt));
      });
      card.appendChild(section);
    }
    if (detail.prompts_reason) card.appendChild(el('p', { class: 'reason prompts-reason', text: detail.prompts_reason }));
    (detail.prompts_not_rendered || []).forEach(function (item) {
      card.appendChild(el('p', { class: 'reason', text: 'prompts of ' + item.judge + ' not rendered: ' + item.reason }));
    });
    return card;
  }

  function componentDetail(component, prompts, used) {
    var section = el('section', { class: 'component', 'data-component': component.name }, [
      el('h3', {}, [
        component.name + ' · ' + component.kind + ' ' + component.type + ' · ',
        el('span', { class: 'score status-' + component.status, text: component.score === null ? 'no score' : number(component.score) }),
        ' · ' + component.status,
      ]),
    ]);
    section.appendChild(
      facts([
        ['weight', component.weight],
        ['gate', component.gate ? 'min ' + component.gate.min_score + ': ' + (component.gate.passed ? 'passed' : 'failed') : ''],
        ['pass', component.pass ? 'threshold ' + component.pass.threshold + ': ' + (component.pass.passed ? 'passed' : 'failed') : ''],
        ['error', component.error ? component.error.kind + ': ' + component.error.message : ''],
      ]),
    );
    if (component.rationale) section.appendChild(pre(component.rationale, 'rationale'));
    if (component.details && Object.keys(component.details).length > 0) {
      section.appendChild(
        el('details', {}, [el('summary', { text: 'details' }), pre(JSON.stringify(component.details, null, 2), 'details')]),
      );
    }
    (component.calls || []).forEach(function (call) {
      var index = -1;
      prompts.forEach(function (prompt, position) {
        if (index < 0 && !used[position] && prompt.judge === component.name && prompt.label === call.label) index = position;
      });
      var callNode = el('div', { class: 'call' }, [
        el('h3', { text: 'Judge call ' + (call.label || '') }),
        facts([
          ['model', call.model],
          ['finish', call.finish_reason],
          ['tokens', call.usage ? call.usage.input_tokens + ' in · ' + call.usage.output_tokens + ' out' : ''],
          ['latency', call.latency_ms === undefined ? '' : call.latency_ms + ' ms'],
          ['attempts', call.attempts],
          ['cached', call.cached ? 'yes' : ''],
          ['cost', call.cost_usd === undefined ? '' : '$' + call.cost_usd],
          ['template', call.template_version],
          ['error', call.error ? call.error.kind + ': ' + call.error.message : ''],
        ]),
        el('div', { class: 'meta', text: 'raw reply' }),
        pre(call.raw, 'raw'),
      ]);
      if (index >= 0) {
        used[index] = true;
        callNode.appendChild(renderedPrompt(prompts[index]));
      }
      section.appendChild(callNode);
    });
    prompts.forEach(function (prompt, position) {
      if (!used[position] && prompt.judge === component.name && (component.calls || []).length > 0) {
        used[position] = true;
        section.appendChild(renderedPrompt(prompt));
      }
    });
    return section;
  }

  function renderedPrompt(prompt) {
    return el('details', { class: 'rendered-prompt', 'data-judge': prompt.judge, 'data-label': prompt.label }, [
      el('summary', { text: 'rendered judge prompt · ' + prompt.judge + ' · ' + prompt.label }),
      el('div', { class: 'meta', text: 'system' }),
      pre(prompt.system, 'prompt-system'),
      el('div', { class: 'meta', text: 'user' }),
      pre(prompt.user, 'prompt-user'),
    ]);
  }

  // ---- start --------------------------------------------------------------------------------------------------

  function showTab(tab) {
    state.tab = tab;
    state.offset = 0;
    state.selected = null;
    Array.prototype.forEach.call(document.querySelectorAll('#tabs button'), function (button) {
      button.setAttribute('aria-selected', String(button.getAttribute('data-tab') === tab));
    });
    $('row-filters').hidden = tab === 'pairs';
    $('pair-filters').hidden = tab !== 'pairs';
    if (tab !== 'pairs') fillRowFilters(sideMeta(tab));
    $('detail').replaceChildren();
    $('detail-empty').hidden = false;
    return loadList();
  }

  function fillRowFilters(side) {
    var form = $('row-filters');
    var options = function (select, values, labels) {
      var first = select.options[0];
      select.replaceChildren(first);
      values.forEach(function (value, index) {
        select.appendChild(el('option', { value: value, text: labels[index] }));
      });
    };
    options(
      form.elements.flag,
      side.flags.map(function (item) {
        return item.flag;
      }),
      side.flags.map(function (item) {
        return item.flag + ' (' + item.rows + ')';
      }),
    );
    options(form.elements.component, side.components, side.components);
    var sort = form.elements.sort;
    sort.replaceChildren(el('option', { value: 'line', text: 'line' }), el('option', { value: 'reward', text: 'reward' }));
    side.components.forEach(function (name) {
      sort.appendChild(el('option', { value: 'component:' + name, text: name }));
    });
  }

  function start(meta) {
    state.meta = meta;
    $('files').textContent = meta.sides
      .map(function (side) {
        return (
          side.name +
          ': ' +
          side.scored +
          ' (' +
          side.rows +
          ' rows' +
          (side.input ? ', input ' + side.input : '') +
          (side.spec ? ', spec' : '') +
          ')'
        );
      })
      .join(' · ');
    var tabs = meta.mode === 'compare' ? ['pairs', 'before', 'after'] : [meta.sides[0].name];
    if (meta.mode === 'compare') {
      $('tabs').hidden = false;
      $('tabs').replaceChildren.apply(
        $('tabs'),
        tabs.map(function (tab) {
          var button = el('button', { type: 'button', 'data-tab': tab, text: tab === 'pairs' ? 'prompts side by side' : tab + ' rows' });
          button.addEventListener('click', function () {
            showTab(tab);
          });
          return button;
        }),
      );
    }
    ['row-filters', 'pair-filters'].forEach(function (id) {
      $(id).addEventListener('change', function () {
        state.offset = 0;
        loadList();
      });
      $(id).addEventListener('submit', function (event) {
        event.preventDefault();
      });
    });
    $('previous').addEventListener('click', function () {
      state.offset = Math.max(0, state.offset - state.limit);
      loadList();
    });
    $('next').addEventListener('click', function () {
      state.offset += state.limit;
      loadList();
    });
    return showTab(tabs[0]);
  }

  getJson('/api/meta').then(start).catch(showProblem);
})();
