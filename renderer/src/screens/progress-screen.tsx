import { useTranslation } from 'react-i18next';

/** Short waits decided by the host (opening a session, submitting): a spinner and a sentence. */
export function ProgressScreen({ name, title, body }: { name: string; title: string; body?: string }) {
  useTranslation();
  return (
    <main className={`screen progress-screen ${name}`} aria-busy="true" aria-labelledby={`${name}-title`} data-screen={name}>
      <div className="spinner" aria-hidden="true" />
      <h1 id={`${name}-title`}>{title}</h1>
      {body && <p>{body}</p>}
    </main>
  );
}
