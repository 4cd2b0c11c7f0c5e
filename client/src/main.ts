import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { createOknoRouter } from './router';
import { i18n } from './shared/i18n';
import { useLocaleStore } from './shared/locale.store';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);
app.use(i18n);
useLocaleStore(pinia);
app.use(createOknoRouter(pinia));
app.mount('#app');
