export * from './grant';
