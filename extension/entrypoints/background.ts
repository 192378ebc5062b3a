import { startBackground } from '../src/background/background.ts';

export default defineBackground(() => {
  startBackground();
});
