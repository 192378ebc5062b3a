import { renderOptions } from '../../src/ui/options.ts';

const root = document.getElementById('app');
if (root) {
  renderOptions(root).catch((err: unknown) => {
    // The background may still be starting: say so rather than leave an empty page.
    root.textContent = err instanceof Error ? err.message : String(err);
  });
}
