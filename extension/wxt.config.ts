import { defineConfig } from 'wxt';

// Host access is never granted at install: the options page (or the administrator's policy) names
// the portals, and the background asks for exactly those origins when they are added.
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  webExt: { disabled: true },
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'zh_CN',
    permissions: ['storage', 'alarms', 'scripting'],
    optional_host_permissions: ['http://*/*', 'https://*/*'],
    action: { default_title: '__MSG_extName__' },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: { id: 'credcheck@credcheck.example', data_collection_permissions: { required: ['none'] } },
          },
        }
      : {}),
  }),
});
