// CSV import into the registry: all or nothing. When the server refuses the file, every bad row
// is listed with its line, column, field and message.
import { api } from '../api.js';
import { h, field, errorBox, replace, table, link, notice } from '../ui.js';

const HEADER = 'id,kind,name,side,region,sector,chain,endowment_capital,endowment_talent,endowment_technology,endowment_information,endowment_land,endowment_labour,need_capital,need_talent,need_technology,need_information,need_land,need_labour';

export function render(ctx) {
  const { root } = ctx;
  const file = h('input', { type: 'file', accept: '.csv,text/csv', name: 'file' });
  const text = h('textarea', { name: 'csv', rows: '10', class: 'code', style: 'min-height:12rem', spellcheck: 'false' });
  text.value = `${HEADER}\n`;
  file.addEventListener('change', async () => {
    if (file.files && file.files[0]) text.value = await file.files[0].text();
  });
  const status = h('div', { id: 'import-status' });
  const form = h(
    'form',
    { class: 'card', id: 'import-form' },
    h('p', null, 'The first line is the header. Every row is checked; if any row is wrong, nothing is imported and each problem is listed below.'),
    field('CSV file', file),
    field('Or paste the CSV here', text),
    h('button', { type: 'submit' }, 'Import'),
    status,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    replace(status, h('p', { role: 'status' }, 'Importing…'));
    try {
      const res = await api.post('/entities/import', text.value, { contentType: 'text/csv' });
      replace(status, notice(`Imported ${res.imported} entit${res.imported === 1 ? 'y' : 'ies'}.`, 'ok'));
    } catch (err) {
      replace(
        status,
        errorBox(err, 'Nothing was imported'),
        err.rows && err.rows.length
          ? table(
              [
                { label: 'Line', value: (r) => r.line, class: 'num' },
                { label: 'Column', value: (r) => r.column ?? '–', class: 'num' },
                { label: 'Field', value: (r) => (r.field ? h('code', null, r.field) : '–') },
                { label: 'Problem', value: (r) => r.message },
              ],
              err.rows,
              { caption: `${err.rows.length} problem(s)`, id: 'import-errors' },
            )
          : null,
      );
    }
  });
  root.append(h('p', null, link('← Registry', '#/registry')), h('h1', null, 'Import entities from CSV'), form, h('h2', null, 'Columns'), h('pre', { class: 'card', tabindex: '0', style: 'white-space:pre-wrap' }, HEADER));
}
