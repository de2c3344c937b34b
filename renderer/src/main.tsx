import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from './app/App';
// Inter ships inside the bundle (offline-first: no font is fetched from the network).
import '@fontsource-variable/inter';
import './ui/theme.css';

const queryClient = new QueryClient({
  defaultOptions: {
    // Data comes from the local app, not a network: refetch on events, not on focus or a timer.
    queries: { refetchOnWindowFocus: false, retry: false, staleTime: Infinity },
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
