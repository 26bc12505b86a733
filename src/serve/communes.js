// aides serve: commune completion, an enhancement only. On the question of the commune, the names
// /api/communes gives for what is typed are offered in a <datalist>; without this script the
// question works the same (the server reads the name typed).
'use strict';
(function () {
  const input = document.querySelector('input[data-communes]');
  if (!input || !window.fetch) return;
  const list = document.createElement('datalist');
  list.id = 'communes-proposees';
  input.after(list);
  input.setAttribute('list', list.id);
  let timer = 0;
  let asked = '';
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2 || q === asked) return;
    timer = setTimeout(async () => {
      asked = q;
      try {
        const res = await fetch('/api/communes?q=' + encodeURIComponent(q));
        if (!res.ok || input.value.trim() !== q) return;
        const found = await res.json();
        list.replaceChildren(...found.map((c) => {
          const option = document.createElement('option');
          // The name with its département: what the server reads among homonyms.
          option.value = c.nom + ' (' + c.departement + ')';
          return option;
        }));
      } catch (_) {
        // No completion: the question stays as it is.
      }
    }, 150);
  });
})();
