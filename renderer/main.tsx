import { createRoot } from 'react-dom/client';
import { App } from './screens/App';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('The page has no #root element.');
// No StrictMode: its double-run effects would open two calls.
createRoot(root).render(<App />);
