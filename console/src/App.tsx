import type { ReactNode } from 'react';
import { useAuth } from './auth/context.tsx';
import { useI18n } from './i18n/context.tsx';
import { Link, useRouter } from './router.tsx';
import { allowed, findRoute, ROUTES } from './routes.tsx';

/** The shell: skip link, header with navigation for the signed-in role, language and sign-in. */
export function App() {
  const { t, lang, setLang } = useI18n();
  const { me, checking, signOut } = useAuth();
  const { path, navigate } = useRouter();
  const found = findRoute(path);
  const role = me?.role ?? null;

  let body: ReactNode;
  if (!found) body = <p>{t('app.notFound')}</p>;
  else if (checking && found.route.roles) body = <p>{t('common.loading')}</p>;
  else if (!allowed(found.route, role))
    body = (
      <div className="narrow">
        <p role="alert">{me ? t('app.forbidden') : t('app.signInNeeded')}</p>
        {!me && (
          <p>
            <Link to="sign-in">{t('nav.signIn')}</Link>
          </p>
        )}
      </div>
    );
  else {
    const Page = found.route.component;
    body = <Page params={found.params} />;
  }

  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="app-header">
        <Link to="" className="brand">
          {t('app.title')}
        </Link>
        <nav aria-label={t('nav.label')}>
          <ul>
            {ROUTES.filter((r) => r.nav && allowed(r, role)).map((r) => (
              <li key={r.path}>
                <Link to={r.path} aria-current={found?.route === r ? 'page' : undefined}>
                  {t(r.nav!)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="header-tools">
          <button
            type="button"
            onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
            lang={lang === 'zh' ? 'en' : 'zh-CN'}
            aria-label={lang === 'zh' ? 'Switch to English' : '切换到中文'}
          >
            {lang === 'zh' ? 'English' : '中文'}
          </button>
          {me ? (
            <>
              <span className="who" data-role={me.role}>
                {t(`role.${me.role}`)}
                {me.department ? ` · ${me.department}` : ''}
                {me.label ? ` · ${me.label}` : ''}
              </span>
              <button
                type="button"
                onClick={() => {
                  signOut();
                  navigate('');
                }}
              >
                {t('nav.signOut')}
              </button>
            </>
          ) : (
            <Link to="sign-in" className="button">
              {t('nav.signIn')}
            </Link>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {body}
      </main>
      <footer className="app-footer">{t('app.footer')}</footer>
    </>
  );
}
