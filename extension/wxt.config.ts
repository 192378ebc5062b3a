import { defineConfig } from 'wxt';

const EXTENSION_PAGES_CSP =
  "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

// Host access is never granted at install: the options page (or the administrator's policy) names
// the portals, and the background asks for exactly those origins when they are added.
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  webExt: { disabled: true },
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'zh_CN',
    // activeTab: the popup may read the current tab's address (to offer adding it as a portal)
    // only when the user opens it there; no install-time warning, no standing host access.
    permissions: ['storage', 'alarms', 'scripting', 'activeTab'],
    optional_host_permissions: ['http://*/*', 'https://*/*'],
    action: { default_title: '__MSG_extName__' },
    // Only the extension's own scripts run in its pages: no inline or remote script, no plugins,
    // no <base> rewriting, and no page may frame them. connect-src stays open: the API URL is the
    // user's or the policy's choice.
    content_security_policy:
      browser === 'firefox' ? EXTENSION_PAGES_CSP : { extension_pages: EXTENSION_PAGES_CSP },
    ...(browser === 'firefox'
      ? {
          // Firefox builds MV2, where optional host access is listed among optional_permissions.
          optional_permissions: ['http://*/*', 'https://*/*'],
          browser_specific_settings: {
            gecko: { id: 'credcheck@credcheck.example', data_collection_permissions: { required: ['none'] } },
          },
        }
      : // Chrome reads enterprise policy for the extension only when the schema names the fields.
        { storage: { managed_schema: 'managed-schema.json' } }),
  }),
  hooks: {
    // WXT grants a runtime-registered content script's placeholder `matches` as install-time host
    // access (MV3 host_permissions, MV2 permissions); the background registers the script for the
    // granted portals itself, so no host access may stay in the manifest.
    'build:manifestGenerated': (_wxt, manifest) => {
      delete manifest.host_permissions;
      if (manifest.permissions) manifest.permissions = manifest.permissions.filter((p) => !p.includes('://'));
      if (manifest.content_scripts?.length === 0) delete manifest.content_scripts;
    },
  },
});
