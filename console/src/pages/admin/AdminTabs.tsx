import { useI18n } from '../../i18n/context.tsx';
import type { MessageKey } from '../../i18n/translate.ts';
import { Link } from '../../router.tsx';
import '../../components/charts/charts.css';

const TABS: { to: string; label: MessageKey }[] = [
  { to: 'admin', label: 'admin.tabKeys' },
  { to: 'admin/measures', label: 'admin.tabMeasures' },
  { to: 'admin/webhooks', label: 'admin.tabWebhooks' },
  { to: 'admin/audit', label: 'admin.tabAudit' },
];

/** The administration views share one header entry; these tabs move between them. */
export function AdminTabs({ current }: { current: string }) {
  const { t } = useI18n();
  return (
    <nav aria-label={t('admin.tabs')}>
      <ul className="tabs">
        {TABS.map((tab) => (
          <li key={tab.to}>
            <Link to={tab.to} aria-current={tab.to === current ? 'page' : undefined}>
              {t(tab.label)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
