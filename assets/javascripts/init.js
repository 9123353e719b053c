// Progressive enhancement only: every page works without this file.
// Loaded with <script type="module">, so browsers that cannot run GOV.UK
// Frontend (no ES module support) simply skip it.
import { initAll } from './govuk-frontend.min.js';

initAll();

for (const button of document.querySelectorAll('[data-app-print]')) {
  button.addEventListener('click', () => window.print());
}
