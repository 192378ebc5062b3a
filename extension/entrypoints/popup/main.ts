import { renderPopup } from '../../src/ui/popup.ts';

const root = document.getElementById('app');
if (root) void renderPopup(root);
