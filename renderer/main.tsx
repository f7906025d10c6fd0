import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { i18n } from './i18n';
import { App } from './screens/App';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('The page has no #root element.');
// No StrictMode: its double-run effects would open two calls.
createRoot(root).render(
  <I18nextProvider i18n={i18n}>
    <App />
  </I18nextProvider>,
);
